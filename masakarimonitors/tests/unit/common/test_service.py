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

import os
import subprocess
import sys
import threading

import pytest

from masakarimonitors.common import context
from masakarimonitors.common import manager
from masakarimonitors.common import notifier as notifier_mod
from masakarimonitors.common import service
from masakarimonitors.testing import helpers


class LoopManager(manager.Manager):
    """main() blocks until stop(); records the life cycle."""

    instances: list = []

    def __init__(self, conf, notifier=None):
        super().__init__(conf)
        self.given_notifier = notifier
        self.calls = []
        self.in_main = threading.Event()
        LoopManager.instances.append(self)

    def init_host(self):
        self.calls.append("init_host")

    def main(self):
        self.calls.append("main")
        self.in_main.set()
        self.stop_event.wait(30)

    def stop(self):
        self.calls.append("stop")
        super().stop()

    def reset(self):
        self.calls.append("reset")
        self.in_main.clear()
        super().reset()


class FailingManager(LoopManager):
    def main(self):
        raise RuntimeError("monitoring broke")


def test_binary_name():
    assert service.binary_name("processmonitor_manager") == (
        "masakarimonitors-processmonitor")


def test_check_tempdir(tmp_path):
    service.check_tempdir(str(tmp_path))
    service.check_tempdir(None)
    with pytest.raises(service.StartupError):
        service.check_tempdir(str(tmp_path / "missing"))


def _context(conf, binary="masakarimonitors-processmonitor"):
    return context.build(conf, binary, 0, 0)


def test_build_loads_configured_manager(make_conf):
    conf = make_conf(DEFAULT={
        "processmonitor_manager": f"{__name__}.LoopManager"})
    ctx = _context(conf)
    svc = service.build("processmonitor_manager", ctx)
    assert isinstance(svc.manager, LoopManager)
    assert svc.manager.conf is conf
    assert svc.manager.given_notifier is ctx.notifier
    assert svc.binary == "masakarimonitors-processmonitor"


def test_build_reports_bad_manager(make_conf):
    conf = make_conf(DEFAULT={"processmonitor_manager": "no.such.Manager"})
    with pytest.raises(service.StartupError, match="no.such.Manager"):
        service.build("processmonitor_manager", _context(conf))


def test_context_wires_the_spool_into_notifier_and_replayer(make_conf,
                                                            tmp_path):
    conf = make_conf(DEFAULT={"state_path": str(tmp_path / "st")})
    ctx = context.build(conf, "masakarimonitors-x", 4, 2.5)
    assert ctx.spool is not None
    assert ctx.notifier.spool is ctx.spool
    assert (ctx.notifier.retry_max, ctx.notifier.retry_interval) == (4, 2.5)
    assert ctx.replayer().spool is ctx.spool
    conf = make_conf(DEFAULT={"spool_dir": ""})
    ctx = context.build(conf, "masakarimonitors-x", 0, 0)
    assert ctx.notifier.spool is None and ctx.replayer() is None


def _launch(conf, mgr):
    svc = service.MonitorService(mgr, "masakarimonitors-test", conf)
    launcher = service.Launcher(svc, conf)
    result = {}
    thread = threading.Thread(
        target=lambda: result.setdefault("status", launcher.run()),
        daemon=True)
    thread.start()
    return launcher, thread, result


def test_launcher_stop(make_conf):
    conf = make_conf()
    mgr = LoopManager(conf)
    launcher, thread, result = _launch(conf, mgr)
    assert mgr.in_main.wait(10)
    launcher.request("stop")
    thread.join(10)
    assert result["status"] == 0
    assert mgr.calls == ["init_host", "main", "stop"]
    launcher.request("stop")  # late (the watcher, say): ignored
    launcher.close()


def test_launcher_reload_restarts_same_manager(make_conf, tmp_path):
    conf = make_conf(DEFAULT={"hostname": "before"})
    mgr = LoopManager(conf)
    launcher, thread, result = _launch(conf, mgr)
    assert mgr.in_main.wait(10)
    path = conf.config_file[0]
    with open(path) as handle:
        text = handle.read()
    with open(path, "w") as handle:
        handle.write(text.replace("hostname = before", "hostname = after"))
    launcher.request("reload")
    helpers.wait_until(lambda: mgr.calls.count("main") == 2, timeout=10,
                       message="the restarted main()")
    assert conf.hostname == "after"
    launcher.request("stop")
    thread.join(10)
    assert result["status"] == 0
    assert mgr.calls == ["init_host", "main", "stop", "reset", "init_host",
                         "main", "stop"]


def test_launcher_exits_1_when_main_dies(make_conf):
    conf = make_conf()
    launcher, thread, result = _launch(conf, FailingManager(conf))
    thread.join(10)
    assert result["status"] == 1


def test_launcher_exits_1_when_start_fails(make_conf, tmp_path):
    conf = make_conf(DEFAULT={"tempdir": str(tmp_path / "missing")})
    mgr = LoopManager(conf)
    launcher, thread, result = _launch(conf, mgr)
    thread.join(10)
    assert result["status"] == 1
    assert mgr.calls == []


def test_open_spool(make_conf, tmp_path):
    conf = make_conf(DEFAULT={"state_path": str(tmp_path / "st")})
    spool = context.open_spool(conf, "masakarimonitors-x")
    assert spool.path == os.path.join(str(tmp_path), "st", "spool",
                                      "masakarimonitors-x")
    blocked = tmp_path / "file"
    blocked.write_text("")
    conf = make_conf(DEFAULT={"spool_dir": str(blocked)})
    assert context.open_spool(conf, "x") is None
    conf = make_conf(DEFAULT={"spool_dir": ""})
    assert context.open_spool(conf, "x") is None


def test_manager_stop_spools_unsent_notifications(make_conf, tmp_path):
    from masakarimonitors.common import spool as spool_mod
    spool = spool_mod.Spool(str(tmp_path / "sp"))
    sender = notifier_mod.Notifier(0, 0, conf=make_conf(), spool=spool)
    mgr = manager.Manager(make_conf())
    mgr._use_sender(sender)
    # Not started: nothing picks the notification up before stop().
    mgr.dispatcher.submit("k", {"type": "VM", "hostname": "h",
                                "generated_time": "t", "payload": {}})
    mgr.stop()
    [entry] = spool.entries()
    assert spool.load(entry)["hostname"] == "h"


def test_reload_with_an_invalid_value_stops_with_status_1(make_conf):
    conf = make_conf(host={"monitoring_interval": "5"})
    mgr = LoopManager(conf)
    launcher, thread, result = _launch(conf, mgr)
    assert mgr.in_main.wait(10)
    path = conf.config_file[0]
    with open(path) as handle:
        text = handle.read()
    with open(path, "w") as handle:
        handle.write(text.replace("monitoring_interval = 5",
                                  "monitoring_interval = often"))
    launcher.request("reload")
    thread.join(10)
    assert result["status"] == 1
    assert mgr.calls == ["init_host", "main", "stop"]


SIGNAL_TO_OTHER_THREAD = """
import signal, sys, threading
from masakarimonitors.common import service
from masakarimonitors import conf as monitors_conf
CONF = monitors_conf.new_config()
CONF([], project="masakarimonitors", default_config_files=[])


class Manager:
    def __init__(self):
        self.running = threading.Event()
        self.stopped = threading.Event()

    def init_host(self):
        pass

    def main(self):
        self.running.set()
        self.stopped.wait(60)

    def stop(self):
        self.stopped.set()


manager = Manager()
launcher = service.Launcher(
    service.MonitorService(manager, "masakarimonitors-test", CONF), CONF)
launcher.install_signal_handlers()


def send():
    manager.running.wait(30)
    # The kernel may run the handler on any thread; force a non-main one.
    signal.pthread_kill(threading.get_ident(), signal.SIG%s)


threading.Thread(target=send, daemon=True).start()
print("status", launcher.run(), flush=True)
"""


@pytest.mark.parametrize("signame", ["TERM", "INT"])
def test_signal_taken_by_another_thread_still_stops(signame):
    """The main thread must wake up even when the kernel hands the signal
    to another thread (a main thread asleep on a lock would not)."""
    result = subprocess.run(
        [sys.executable, "-c", SIGNAL_TO_OTHER_THREAD % signame],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "status 0" in result.stdout
