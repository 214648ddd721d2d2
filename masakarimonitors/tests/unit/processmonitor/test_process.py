# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

import pytest

from masakarimonitors.common import utils
from masakarimonitors.processmonitor import process


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class World:
    """Processes that exist, and commands that may bring them up."""

    def __init__(self, clock):
        self.running = set()
        self.commands = []
        self.effects = {}      # command -> process name it starts
        self.failing = set()
        self.clock = clock

    def scan(self):
        self.clock.now += 0.5     # time passes while polling
        return [name.split() for name in self.running]

    def execute(self, *argv, run_as_root=False, timeout=None):
        command = " ".join(argv)
        self.commands.append((command, run_as_root))
        if command in self.failing:
            raise utils.ProcessExecutionError(argv, 1, "", "failed")
        if command in self.effects:
            self.running.add(self.effects[command])
        return "", ""


class FakeNotifier:
    def __init__(self):
        self.sent = []

    def send(self, notification):
        self.sent.append(notification)
        return True


def _write_list(path, entries):
    import yaml
    path.write_text(yaml.safe_dump(entries))


ENTRY = {"process_name": "/usr/sbin/libvirtd",
         "start_command": "start libvirtd",
         "restart_command": "restart libvirtd",
         "pre_restart_command": "pre libvirtd",
         "post_restart_command": "post libvirtd",
         "run_as_root": True}


@pytest.fixture
def setup(make_conf, tmp_path):
    plist = tmp_path / "process_list.yaml"
    _write_list(plist, [ENTRY])
    conf = make_conf(DEFAULT={"hostname": "cmp1"}, process={
        "process_list_path": str(plist), "restart_retries": 2,
        "restart_interval": 2, "check_interval": 1})
    clock = FakeClock()
    world = World(clock)
    notifier = FakeNotifier()
    mgr = process.ProcessmonitorManager(conf=conf, notifier=notifier,
                                        scan=world.scan,
                                        execute=world.execute, clock=clock)
    mgr.stop_event.wait = lambda timeout=None: False   # no real waiting
    mgr.init_host()
    yield mgr, world, notifier, plist
    mgr.dispatcher.stop()


def _sent(mgr, notifier):
    assert mgr.dispatcher.wait_idle(10)
    return notifier.sent


def test_initial_start_skips_running_processes(setup):
    mgr, world, notifier, _ = setup
    world.running.add("/usr/sbin/libvirtd")
    mgr.start_processes()
    assert world.commands == []
    world.running.clear()
    mgr.start_processes()
    assert world.commands == [("start libvirtd", True)]


def test_successful_restart_is_not_reported(setup):
    mgr, world, notifier, _ = setup
    world.effects["restart libvirtd"] = "/usr/sbin/libvirtd"
    assert mgr.check_once() == []
    assert world.commands == [("pre libvirtd", True),
                              ("restart libvirtd", True),
                              ("post libvirtd", True)]
    assert _sent(mgr, notifier) == []


def test_process_that_stays_down_is_reported_once(setup):
    mgr, world, notifier, _ = setup
    assert len(mgr.check_once()) == 1
    restarts = [c for c, _ in world.commands if c.startswith("restart")]
    assert len(restarts) == 3          # restart_retries + 1
    [note] = _sent(mgr, notifier)
    assert note["type"] == "PROCESS"
    assert note["hostname"] == "cmp1"
    assert note["payload"] == {"event": "STOPPED",
                               "process_name": "libvirtd"}
    # Still down next cycle: neither restarted nor reported again.
    world.commands.clear()
    assert mgr.check_once() == []
    assert world.commands == []
    # Seen up, then down again: eligible again.
    world.running.add("/usr/sbin/libvirtd")
    mgr.check_once()
    world.running.clear()
    assert len(mgr.check_once()) == 1


def test_failed_pre_restart_skips_restart(setup):
    mgr, world, notifier, _ = setup
    world.failing.add("pre libvirtd")
    mgr.check_once()
    assert not any(c.startswith("restart") for c, _ in world.commands)
    assert len(_sent(mgr, notifier)) == 1


def test_failed_post_restart_counts_as_failed_attempt(setup):
    mgr, world, notifier, _ = setup
    world.failing.add("post libvirtd")
    mgr.check_once()
    assert [c for c, _ in world.commands].count("restart libvirtd") == 3
    assert len(_sent(mgr, notifier)) == 1


def test_restart_that_comes_up_on_a_later_attempt(setup):
    mgr, world, notifier, _ = setup
    calls = []
    original = world.execute

    def execute(*argv, **kwargs):
        if argv[0] == "restart":
            calls.append(argv)
            if len(calls) == 2:
                world.running.add("/usr/sbin/libvirtd")
        return original(*argv, **kwargs)

    mgr.execute = execute
    assert mgr.check_once() == []
    assert len(calls) == 2
    assert _sent(mgr, notifier) == []


def test_broken_list_edit_keeps_previous_list(setup):
    mgr, world, notifier, plist = setup
    plist.write_text("- {process_name: x}\n")
    mgr.reload()
    assert [e.process_name for e in mgr.entries] == ["/usr/sbin/libvirtd"]
    _write_list(plist, [dict(ENTRY, process_name="/usr/sbin/other")])
    mgr.reported.add("/usr/sbin/libvirtd")
    mgr.reload()
    assert [e.process_name for e in mgr.entries] == ["/usr/sbin/other"]
    assert mgr.reported == set()


def test_init_host_rejects_bad_list(make_conf, tmp_path):
    from masakarimonitors.processmonitor import process_list
    conf = make_conf(process={"process_list_path": str(tmp_path / "no")})
    mgr = process.ProcessmonitorManager(conf=conf, notifier=FakeNotifier())
    with pytest.raises(process_list.ProcessListError):
        mgr.init_host()


def test_main_loop_runs_until_stopped(setup):
    mgr, world, notifier, _ = setup
    world.running.add("/usr/sbin/libvirtd")
    cycles = []

    def wait(timeout=None):
        cycles.append(timeout)
        if len(cycles) == 3:
            mgr.stop_event.set()
        return mgr.stop_event.is_set()

    mgr.stop_event.wait = wait
    mgr.main()
    assert cycles == [1, 1, 1]


# The restart sequence: a pre-start failure skips start and post-start of
# that entry only; start and post-start results are ignored. (failing commands,
# commands run in order)
START_SEQUENCE = [
    (set(), ["pre-start a", "start a", "post-start a",
             "pre-start b", "start b", "post-start b"]),
    ({"pre-start a"}, ["pre-start a",
                       "pre-start b", "start b", "post-start b"]),
    ({"start a"}, ["pre-start a", "start a", "post-start a",
                   "pre-start b", "start b", "post-start b"]),
    ({"post-start a", "start b"}, [
        "pre-start a", "start a", "post-start a",
        "pre-start b", "start b", "post-start b"]),
]


@pytest.mark.parametrize("failing, expected", START_SEQUENCE)
def test_initial_start_sequence(setup, failing, expected):
    from masakarimonitors.processmonitor import process_list
    mgr, world, _, _ = setup
    mgr.entries = process_list.parse([
        {"process_name": f"/bin/{name}",
         "pre_start_command": f"pre-start {name}",
         "start_command": f"start {name}",
         "post_start_command": f"post-start {name}",
         "restart_command": f"restart {name}"} for name in "ab"])
    world.failing = failing
    mgr.start_processes()
    assert [c for c, _ in world.commands] == expected
    assert all(root is False for _, root in world.commands)
