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

"""masakari-processmonitor with real processes it starts, kills, restarts."""

import os
import signal
import sys

import pytest
import yaml

from masakarimonitors.testing import daemon as daemon_mod
from masakarimonitors.testing import helpers
from masakarimonitors.testing import fakeapi

pytestmark = pytest.mark.functional

WORKER = """
import os, sys, time
with open(sys.argv[1], "w") as f:
    f.write(str(os.getpid()))
deadline = time.monotonic() + 600
while time.monotonic() < deadline:
    time.sleep(1)
"""

SPAWN = """
import subprocess, sys
subprocess.Popen([sys.executable] + sys.argv[1:], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)
"""


class Workers:
    """Worker scripts under tmp_path, started through the monitor."""

    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.spawn = tmp_path / "spawn.py"
        self.spawn.write_text(SPAWN)

    def script(self, name):
        path = self.dir / f"{name}.py"
        path.write_text(WORKER)
        return path

    def pidfile(self, name):
        return self.dir / f"{name}.pid"

    def entry(self, name, restart_ok=True):
        script = self.script(name)
        start = f"{sys.executable} {self.spawn} {script} {self.pidfile(name)}"
        return {
            "process_name": f"{sys.executable} {script}",
            "start_command": start,
            "pre_start_command": "",
            "post_start_command": "",
            "restart_command": start if restart_ok else "/bin/false",
            "pre_restart_command": "",
            "post_restart_command": "",
            "run_as_root": False,
        }

    def pid(self, name):
        try:
            return int(self.pidfile(name).read_text())
        except (OSError, ValueError):
            return None

    def alive(self, name):
        pid = self.pid(name)
        if pid is None:
            return False
        try:
            with open(f"/proc/{pid}/stat") as handle:
                return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    def kill(self, name):
        pid = self.pid(name)
        self.pidfile(name).unlink()
        os.kill(pid, signal.SIGKILL)

    def cleanup(self, names):
        for name in names:
            pid = self.pid(name)
            if pid is not None and self.alive(name):
                os.kill(pid, signal.SIGKILL)


def _config(tmp_path, endpoint, plist, **process):
    opts = {"process_list_path": plist, "check_interval": 1,
            "restart_retries": 1, "restart_interval": 2,
            "api_retry_max": 0, "api_retry_interval": 0}
    opts.update(process)
    return daemon_mod.write_conf(tmp_path / "m.conf", {
        "DEFAULT": {"hostname": "compute-1",
                    "state_path": tmp_path / "state",
                    "spool_replay_interval": 1},
        "api": {"auth_type": "none", "endpoint": endpoint},
        "process": opts,
    })


@pytest.fixture
def workers(tmp_path):
    w = Workers(tmp_path)
    yield w
    w.cleanup(["good", "bad", "a", "b"])


def test_restart_and_report(tmp_path, fake_api, workers):
    plist = tmp_path / "process_list.yaml"
    plist.write_text(yaml.safe_dump([workers.entry("good"),
                                     workers.entry("bad", restart_ok=False)]))
    mon = daemon_mod.Daemon("processmonitor",
                            _config(tmp_path, fake_api.endpoint, plist),
                            str(tmp_path / "mon.log")).start()
    try:
        helpers.wait_until(
            lambda: workers.alive("good") and workers.alive("bad"),
            message="initial start")
        first = workers.pid("good")
        workers.kill("good")
        helpers.wait_until(lambda: workers.alive("good"),
                           message="restart of good")
        assert workers.pid("good") != first
        workers.kill("bad")
        [note] = fake_api.wait_for(1, timeout=30)
        assert note["type"] == "PROCESS"
        assert note["hostname"] == "compute-1"
        assert note["payload"] == {"event": "STOPPED",
                                   "process_name": "bad.py"}
        assert not workers.alive("bad")
    finally:
        status = mon.stop()
    assert status == 0, mon.log()[-3000:]
    assert len(fake_api.accepted) == 1, fake_api.accepted


def test_bad_process_list_exits_non_zero(tmp_path, fake_api):
    plist = tmp_path / "process_list.yaml"
    plist.write_text("- {process_name: x}\n")
    mon = daemon_mod.Daemon("processmonitor",
                            _config(tmp_path, fake_api.endpoint, plist),
                            str(tmp_path / "mon.log")).start()
    assert mon.proc.wait(60) == 1
    assert "missing or empty key(s) start_command, restart_command" in (
        mon.log())


def test_spool_survives_api_outage_and_monitor_restart(tmp_path, workers):
    """API down, failures, monitor restart, API up: each arrives once."""
    api = fakeapi.FakeMasakariAPI()
    port = api.port
    api.stop()                       # reserve a port, nobody listening
    endpoint = f"http://127.0.0.1:{port}/v1"
    plist = tmp_path / "process_list.yaml"
    entries = [workers.entry("a", restart_ok=False),
               workers.entry("b", restart_ok=False)]
    plist.write_text(yaml.safe_dump(entries))
    conf = _config(tmp_path, endpoint, plist, restart_retries=0,
                   restart_interval=1)
    spool_dir = tmp_path / "state" / "spool" / (
        "masakarimonitors-processmonitor")
    mon = daemon_mod.Daemon("processmonitor", conf,
                            str(tmp_path / "mon.log")).start()
    try:
        helpers.wait_until(lambda: workers.alive("a")
                           and workers.alive("b"), message="start")
        workers.kill("a")
        workers.kill("b")
        helpers.wait_until(
            lambda: len(list(spool_dir.glob("*.json"))) == 2,
            message="two spooled notifications")
        mon.wait_for_log("Giving up sending notification")
    finally:
        assert mon.stop() == 0
    # The restarted monitor starts the processes again (no new failure)
    # and replays the spool once the API is back.
    mon = daemon_mod.Daemon("processmonitor", conf,
                            str(tmp_path / "mon2.log")).start()
    api = fakeapi.FakeMasakariAPI(port=port).start()
    try:
        notes = api.wait_for(2, timeout=30)
        helpers.wait_until(lambda: not list(spool_dir.glob("*.json")),
                           message="empty spool")
        mon.wait_for_log("Delivered")
    finally:
        status = mon.stop()
        api.stop()
    assert status == 0
    assert sorted(n["payload"]["process_name"] for n in notes) == [
        "a.py", "b.py"]
    assert len(api.accepted) == 2
    assert len(api.requests) == 2


def test_sighup_reloads_and_keeps_monitoring(tmp_path, fake_api, workers):
    plist = tmp_path / "process_list.yaml"
    plist.write_text(yaml.safe_dump([workers.entry("good")]))
    mon = daemon_mod.Daemon("processmonitor",
                            _config(tmp_path, fake_api.endpoint, plist),
                            str(tmp_path / "mon.log")).start()
    try:
        helpers.wait_until(lambda: workers.alive("good"),
                           message="initial start")
        mon.proc.send_signal(signal.SIGHUP)
        mon.wait_for_log("SIGHUP: reloading configuration")
        mon.wait_for_log("is already running")    # started again
        first = workers.pid("good")
        workers.kill("good")
        helpers.wait_until(lambda: workers.alive("good"),
                           message="restart after SIGHUP")
        assert workers.pid("good") != first
        assert mon.proc.poll() is None
    finally:
        status = mon.stop()
    assert status == 0, mon.log()[-3000:]
    assert fake_api.requests == []
