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

"""Console entry points: clear errors and exit codes on bad input."""

import os
import signal
import subprocess
import sys

import pytest

from masakarimonitors.testing import daemon as daemon_mod

pytestmark = pytest.mark.functional


def _run(module, *args, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", f"masakarimonitors.cmd.{module}", *args],
        capture_output=True, text=True, timeout=timeout, cwd=daemon_mod.ROOT,
        stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("module", ["hostmonitor", "instancemonitor",
                                    "processmonitor",
                                    "introspectiveinstancemonitor"])
def test_missing_config_file(module, tmp_path):
    result = _run(module, "--config-file", str(tmp_path / "missing.conf"))
    assert result.returncode == 2
    assert "missing.conf" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_manager_class(tmp_path):
    conf = daemon_mod.write_conf(tmp_path / "m.conf", {"DEFAULT": {
        "processmonitor_manager": "no.such.Manager",
        "state_path": tmp_path / "st"}})
    result = _run("processmonitor", "--config-file", conf)
    assert result.returncode == 1
    assert "Cannot load manager 'no.such.Manager'" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_monkey_patch_entry(tmp_path):
    conf = daemon_mod.write_conf(tmp_path / "m.conf", {"DEFAULT": {
        "monkey_patch": True, "monkey_patch_modules": "nocolon",
        "state_path": tmp_path / "st"}})
    result = _run("processmonitor", "--config-file", conf)
    assert result.returncode == 1
    assert "not of the form module:decorator" in result.stderr


def _minimal_conf(tmp_path, extra: dict | None = None) -> str:
    """Smallest config each daemon can run with on any machine."""
    pl = tmp_path / "process_list.yaml"
    pl.write_text(
        "- process_name: audit-sleeper-that-never-runs\n"
        "  start_command: 'true'\n"
        "  restart_command: 'true'\n")
    sections = {
        "DEFAULT": {"state_path": tmp_path / "st"},
        "api": {"auth_type": "none", "endpoint": "http://127.0.0.1:9/v1"},
        "libvirt": {"connection_uri": "test:///default"},
        "process": {"process_list_path": pl, "check_interval": 1,
                    "restart_retries": 0, "restart_interval": 0},
        "host": {"monitoring_interval": 1,
                 "pacemaker_node_type": "cluster"},
    }
    for group, values in (extra or {}).items():
        sections.setdefault(group, {}).update(values)
    return daemon_mod.write_conf(tmp_path / "m.conf", sections)


STARTED_LOG = {
    "hostmonitor": "Starting masakarimonitors-hostmonitor",
    "instancemonitor": "Listening for libvirt events",
    "introspectiveinstancemonitor": "Listening for libvirt events",
    "processmonitor": "Starting masakarimonitors-processmonitor",
}


def _needs_libvirt(module):
    if module in ("instancemonitor", "introspectiveinstancemonitor"):
        try:
            import libvirt  # noqa: F401
        except ImportError:
            from masakarimonitors.tests import conftest
            conftest.require_backend(False, "libvirt-python")


@pytest.mark.parametrize("module", sorted(STARTED_LOG))
def test_sigterm_stops_cleanly(module, tmp_path):
    """Every console script runs with a minimal config and SIGTERM ends it
    with status 0, without a traceback."""
    _needs_libvirt(module)
    mon = daemon_mod.Daemon(module, _minimal_conf(tmp_path),
                            str(tmp_path / "out.log")).start()
    try:
        mon.wait_for_log(STARTED_LOG[module], timeout=60)
        assert mon.proc.poll() is None, mon.log()
    finally:
        status = mon.stop(timeout=30)
    assert status == 0, mon.log()
    assert "Traceback" not in mon.log()
    assert f"Stopping masakarimonitors-{module}" in mon.log()


BAD_VALUES = [
    ("hostmonitor", "host", "monitoring_interval", "abc",
     "[host] monitoring_interval"),
    ("hostmonitor", "host", "pacemaker_node_type", "guest",
     "[host] pacemaker_node_type"),
    ("hostmonitor", "host", "corosync_multicast_ports", "5405,70000",
     "[host] corosync_multicast_ports"),
    ("hostmonitor", "api", "api_interface", "private",
     "[api] api_interface"),
    ("hostmonitor", "api", "auth_type", "no-such-plugin", "[api] auth_type"),
    ("instancemonitor", "callback", "retry_max", "-1",
     "[callback] retry_max"),
    ("introspectiveinstancemonitor", "introspectiveinstancemonitor",
     "guest_monitoring_interval", "x",
     "[introspectiveinstancemonitor] guest_monitoring_interval"),
    ("processmonitor", "process", "check_interval", "soon",
     "[process] check_interval"),
]


@pytest.mark.parametrize("module,group,name,value,named", BAD_VALUES)
def test_bad_option_value(module, group, name, value, named, tmp_path):
    conf = _minimal_conf(tmp_path, {group: {name: value}})
    result = _run(module, "--config-file", conf)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        f"masakarimonitors-{module}: invalid value for {named}: "), lines


def test_unknown_host_driver(tmp_path):
    conf = _minimal_conf(tmp_path, {"host": {"monitoring_driver": "nosuch"}})
    result = _run("hostmonitor", "--config-file", conf)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert ("Cannot load host monitoring driver 'nosuch' ([host] "
            "monitoring_driver): No 'hostmonitor.driver' driver found"
            ) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def _run_as(prog, module, home, *args):
    """Run a daemon with argv[0] = ``prog`` and HOME = ``home``."""
    code = ("import sys; sys.argv[0] = sys.argv.pop(1); "
            f"from masakarimonitors.cmd import {module}; {module}.main()")
    env = dict(os.environ, HOME=str(home), PYTHONPATH=daemon_mod.ROOT)
    return subprocess.run([sys.executable, "-c", code, prog, *args],
                          capture_output=True, text=True, timeout=60,
                          cwd=daemon_mod.ROOT, env=env,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("relpath", [
    ".masakarimonitors/masakarimonitors.conf",
    "masakarimonitors.conf",
    ".masakarimonitors/masakari-hostmonitor.conf",
    "masakari-hostmonitor.conf",
])
def test_config_file_discovery(relpath, tmp_path):
    """masakarimonitors.conf and <prog>.conf are found in ~/ and
    ~/.masakarimonitors/ without --config-file. A bad value in the found
    file is the probe: it is reported, so the file was read."""
    path = tmp_path / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[host]\nipmi_retry_max = from-discovered-file\n")
    result = _run_as("/usr/bin/masakari-hostmonitor", "hostmonitor",
                     tmp_path)
    assert result.returncode == 2, result.stderr
    assert "[host] ipmi_retry_max" in result.stderr
    assert "Traceback" not in result.stderr


def test_sigint_stops_cleanly(tmp_path):
    mon = daemon_mod.Daemon("processmonitor", _minimal_conf(tmp_path),
                            str(tmp_path / "out.log")).start()
    try:
        mon.wait_for_log(STARTED_LOG["processmonitor"], timeout=60)
        mon.proc.send_signal(signal.SIGINT)
        status = mon.proc.wait(30)
    finally:
        mon.stop(timeout=10)
    assert status == 0, mon.log()
    assert "Traceback" not in mon.log()


def test_start_failure_reaches_stderr(tmp_path):
    conf = _minimal_conf(tmp_path, {"DEFAULT": {
        "log_file": tmp_path / "mon.log"}})
    (tmp_path / "process_list.yaml").write_text("- {process_name: x}\n")
    result = _run("processmonitor", "--config-file", conf)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert ("masakarimonitors-processmonitor failed to start: "
            in result.stderr)
    assert "start_command" in result.stderr
