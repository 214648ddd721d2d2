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

"""The Pacemaker driver against a real corosync + Pacemaker cluster.

One node (this machine, on 127.0.0.1) is a real cluster member and DC;
peers are simulated through the live CIB and fencing is confirmed through
the real fencer (``stonith_admin --confirm``), so crm_mon, crmadmin and
``stonith_admin --history`` all answer from running daemons.
"""

import os
import socket
import threading

import pytest

from masakarimonitors.hostmonitor.host_handler import handle_host
from masakarimonitors.tests.functional.hostmonitor import conftest
from masakarimonitors.tests.functional.hostmonitor import fake_api
from masakarimonitors.tests.functional.hostmonitor import local_cluster
from masakarimonitors.testing import helpers

pytestmark = pytest.mark.functional

TOOLS = ("corosync", "corosync-quorumtool", "pacemakerd", "crm_mon",
         "cibadmin", "crmadmin", "stonith_admin", "crm_attribute")


def _unavailable(reason):
    if os.environ.get("MASAKARI_TEST_REQUIRE_BACKENDS") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    conftest.require_tools(*TOOLS)
    if os.geteuid() != 0:
        _unavailable("a real Pacemaker cluster needs root")
    with local_cluster.machine_lock(timeout=600):
        if local_cluster.already_running():
            _unavailable("corosync/pacemaker already run on this machine")
        node = local_cluster.LocalCluster(
            str(tmp_path_factory.mktemp("cluster")), socket.gethostname())
        try:
            node.start(timeout=90)
            yield node
        finally:
            node.stop()


class Monitor:
    """The driver's own loop running in a thread."""

    def __init__(self, tmp_path, api, driver_kwargs=None, **overrides):
        overrides.setdefault("pacemaker_node_type", "cluster")
        overrides.setdefault("disable_ipmi_check", True)
        overrides.setdefault("monitoring_interval", 1)
        overrides.setdefault("api_retry_max", 0)
        conf = fake_api.client_conf(tmp_path, api, **overrides)
        self.driver = handle_host.HandleHost(
            conf=conf, notifier=fake_api.client_notifier(conf),
            **(driver_kwargs or {}))
        self.cycles = 0
        full_cycle = self.driver.run_cycle

        def counted():
            try:
                full_cycle()
            finally:
                self.cycles += 1

        self.driver.run_cycle = counted
        self.thread = threading.Thread(target=self.driver.monitor_hosts,
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.driver.stop()
        self.thread.join(30)
        assert not self.thread.is_alive()

    def settle(self, timeout=30):
        """Wait for two more full cycles, then for their notifications."""
        target = self.cycles + 2
        helpers.wait_until(lambda: self.cycles >= target, timeout,
                           "two monitoring cycles", interval=0.2)
        assert self.driver.reporter.flush(timeout)

    def held(self, name):
        state = self.driver.tracker.hosts.get(name)
        return state.held if state else None

    def wait_held(self, name, value, timeout=30):
        helpers.wait_until(lambda: self.held(name) == value, timeout,
                           f"{name} to be seen {value}", interval=0.2)


def _events(api, host, since=0):
    """Events of ``host`` after the first ``since`` notifications."""
    return [(n["payload"]["event"], n["payload"]["host_status"])
            for n in api.notifications()[since:] if n["hostname"] == host]


def _wait_events(api, host, since, count, timeout=30):
    helpers.wait_until(
        lambda: len(_events(api, host, since)) >= count, timeout,
        f"{count} notification(s) about {host}", interval=0.2,
        error=local_cluster.ClusterError)


def test_fenced_failure_and_return(cluster, tmp_path, api):
    with Monitor(tmp_path, api, fencing_timeout=300) as mon:
        cluster.set_peer("peer1", "101", "online")
        mon.wait_held("peer1", "online")
        # (A peer created offline and then online is reported STARTED.)
        mon.settle()
        seen = len(api.notifications())
        cluster.set_peer("peer1", "101", "failed")
        mon.wait_held("peer1", "offline")
        assert mon.driver.tracker.hosts["peer1"].pending is not None
        assert _events(api, "peer1", seen) == []   # not confirmed off yet
        cluster.confirm_fenced("peer1")
        _wait_events(api, "peer1", seen, 1)
        assert _events(api, "peer1", seen) == [("STOPPED", "NORMAL")]
        cluster.set_peer("peer1", "101", "online")
        _wait_events(api, "peer1", seen, 2)
        assert _events(api, "peer1", seen) == [("STOPPED", "NORMAL"),
                                               ("STARTED", "NORMAL")]


def test_unconfirmed_failure_is_unknown(cluster, tmp_path, api):
    with Monitor(tmp_path, api, fencing_timeout=0) as mon:
        cluster.set_peer("peer2", "102", "online")
        mon.wait_held("peer2", "online")
        mon.settle()
        seen = len(api.notifications())
        cluster.set_peer("peer2", "102", "failed")
        _wait_events(api, "peer2", seen, 1)
        assert _events(api, "peer2", seen) == [("STOPPED", "UNKNOWN")]


def test_clean_shutdown_is_not_reported(cluster, tmp_path, api):
    with Monitor(tmp_path, api, fencing_timeout=0) as mon:
        cluster.set_peer("peer3", "103", "online")
        mon.wait_held("peer3", "online")
        mon.settle()
        seen = len(api.notifications())
        cluster.set_peer("peer3", "103", "down")
        mon.wait_held("peer3", "offline")
        mon.settle()
        assert _events(api, "peer3", seen) == []


def _console_script(name):
    import shutil
    import sys

    path = os.path.join(os.path.dirname(sys.executable), name)
    return path if os.path.exists(path) else shutil.which(name)


def test_masakari_hostmonitor_daemon_end_to_end(cluster, tmp_path, api):
    """The console script, the manager, the stevedore-loaded driver and the
    shared notifier together: a failure reaches the API, SIGTERM ends it."""
    import signal
    import subprocess

    script = _console_script("masakari-hostmonitor")
    if script is None:
        pytest.skip("console script not installed (pip install -e .)")
    conf = tmp_path / "masakarimonitors.conf"
    conf.write_text(
        "[DEFAULT]\n"
        f"hostname = {socket.gethostname()}\n"
        f"spool_dir = {tmp_path / 'spool'}\n"
        "[host]\nmonitoring_driver = default\nmonitoring_interval = 1\n"
        "pacemaker_node_type = cluster\ndisable_ipmi_check = true\n"
        "fencing_timeout = 0\napi_retry_max = 0\n"
        f"[api]\nauth_type = none\nendpoint = {api.endpoint}\n")
    cluster.set_peer("peer4", "104", "online")
    log = open(tmp_path / "hostmonitor.log", "w")
    proc = subprocess.Popen([script, "--config-file", str(conf)],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        # Let the daemon see peer4 online (it logs nothing for that), then
        # make it fail; poll until the daemon reports it.
        helpers.wait_until(
            lambda: cluster.peer_online("peer4") is True, 10, "peer4 up", interval=0.2)
        helpers.wait_until(
            lambda: "New cluster node peer4" in
            (tmp_path / "hostmonitor.log").read_text(), 30,
            "the daemon to see peer4", interval=0.2)
        cluster.set_peer("peer4", "104", "failed")
        # (Peers failed by earlier tests are reported too: a fresh daemon
        # reports hosts that are down when it starts.)
        helpers.wait_until(lambda: _events(api, "peer4"), 30,
                           "the report of peer4", interval=0.2)
        assert _events(api, "peer4") == [("STOPPED", "UNKNOWN")]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
            rc = None
        log.close()
    assert rc == 0, (tmp_path / "hostmonitor.log").read_text()


def _heartbeat_of(name):
    from masakarimonitors.hostmonitor import commands
    from masakarimonitors.hostmonitor.host_handler import crm_mon
    from masakarimonitors.hostmonitor.host_handler import heartbeat

    view = crm_mon.parse(commands.run(crm_mon.CURRENT_CMD).stdout)
    return view.attributes.get(name, {}).get(heartbeat.ATTRIBUTE)


def test_heartbeat_lives_in_attrd_while_the_monitor_runs(cluster, tmp_path,
                                                         api):
    me = cluster.node_name
    with Monitor(tmp_path, api, fencing_timeout=0) as mon:
        helpers.wait_until(lambda: _heartbeat_of(me), 30,
                           "our heartbeat attribute", interval=0.2)
        first = int(_heartbeat_of(me))
        helpers.wait_until(lambda: int(_heartbeat_of(me)) > first, 30,
                           "the heartbeat to advance", interval=0.2)
        assert mon.driver._leader
    helpers.wait_until(lambda: _heartbeat_of(me) is None, 30,
                       "the heartbeat to be withdrawn", interval=0.2)


def test_non_dc_monitor_reports_when_the_dc_runs_none(cluster, tmp_path,
                                                      api):
    """A mixed cluster: the real node is DC and runs no hostmonitor; the
    monitor under test runs as the simulated member peer5."""
    from masakarimonitors.hostmonitor import commands
    from masakarimonitors.hostmonitor import names

    def runner(argv, **kwargs):
        # peer5 has no controller of its own: ask the real one.
        if argv[0] == "crmadmin":
            argv = [cluster.node_name if a == "peer5" else a for a in argv]
        return commands.run(argv, **kwargs)

    cluster.set_peer("peer5", "105", "online")
    cluster.set_peer("peer6", "106", "online")
    kwargs = {"self_names": names.SelfNames(["peer5"]), "runner": runner}
    with Monitor(tmp_path, api, driver_kwargs=kwargs,
                 fencing_timeout=0) as mon:
        mon.wait_held("peer6", "online")
        mon.settle()
        assert mon.driver._leader
        seen = len(api.notifications())
        cluster.set_peer("peer6", "106", "failed")
        _wait_events(api, "peer6", seen, 1)
        assert _events(api, "peer6", seen) == [("STOPPED", "UNKNOWN")]


ZONE = "Asia/Tokyo"     # UTC+09:00, no daylight saving time


@pytest.fixture
def tokyo_time(monkeypatch):
    """Run this process and the commands it starts in a non-UTC zone.

    The fencing history's ``completed`` times are formatted by the client
    (stonith_admin) in its own time zone, not by the fencer daemon.
    """
    import time

    if not os.path.exists(os.path.join("/usr/share/zoneinfo", ZONE)):
        monkeypatch.setenv("TZ", "JST-9")      # POSIX form, no tzdata
    else:
        monkeypatch.setenv("TZ", ZONE)
    time.tzset()
    try:
        yield
    finally:
        monkeypatch.undo()
        time.tzset()


def test_fence_in_local_time_is_reported_with_evidence(cluster, tmp_path,
                                                       api, tokyo_time):
    import datetime

    from masakarimonitors.hostmonitor import commands
    from masakarimonitors.hostmonitor.host_handler import fencing

    with Monitor(tmp_path, api, fencing_timeout=300) as mon:
        cluster.set_peer("peer7", "107", "online")
        mon.wait_held("peer7", "online")
        mon.settle()
        seen = len(api.notifications())
        cluster.set_peer("peer7", "107", "failed")
        mon.wait_held("peer7", "offline")
        last_online = mon.driver.tracker.hosts["peer7"].last_online
        cluster.confirm_fenced("peer7")
        raw = commands.run(fencing.HISTORY_CMD).stdout
        context = f"stonith_admin --history '*' --output-as=xml said:\n{raw}"
        try:
            _wait_events(api, "peer7", seen, 1)
        except local_cluster.ClusterError as exc:
            pytest.fail(f"{exc}\n{context}")
        notes = [n for n in api.notifications()[seen:]
                 if n["hostname"] == "peer7"]

    # The real output carries the local offset of this process' zone.
    assert "+09:00" in raw, context
    peer7 = [e for e in fencing.parse_history(raw) if e.target == "peer7"]
    assert peer7 and peer7[-1].completed is not None, context
    completed = peer7[-1].completed
    assert fencing.fenced_since(peer7, "peer7", last_online - 5), context
    assert abs(completed - datetime.datetime.now(
        datetime.timezone.utc).timestamp()) < 120, context

    assert len(notes) == 1, (notes, context)
    payload = notes[0]["payload"]
    evidence = payload.pop("fencing", None)
    assert payload == {"event": "STOPPED", "cluster_status": "OFFLINE",
                       "host_status": "NORMAL"}, context
    assert evidence is not None, context
    assert evidence["confirmed"] is True and (
        evidence["source"] == "stonith-history"), context
    at = datetime.datetime.strptime(evidence["at"], "%Y-%m-%dT%H:%M:%SZ")
    at = at.replace(tzinfo=datetime.timezone.utc).timestamp()
    assert at == int(completed) and at >= last_online - 5, (evidence,
                                                            context)
