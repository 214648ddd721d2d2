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

import datetime

import pytest

from masakarimonitors.hostmonitor.host_handler import handle_host
from masakarimonitors.hostmonitor.host_handler import stack
from masakarimonitors.tests.unit.hostmonitor import fakes
from masakarimonitors.tests.unit.hostmonitor.fakes import N


class Cluster:
    """A driver wired to a scripted cluster."""

    def __init__(self, me="node1", **overrides):
        overrides.setdefault("pacemaker_node_type", "cluster")
        overrides.setdefault("fencing_timeout", 0)
        overrides.setdefault("disable_ipmi_check", True)
        self.conf = fakes.make_conf(**overrides)
        self.runner = fakes.ScriptedRunner()
        self.runner.set(("crmadmin",), '<pacemaker-result><crmd '
                        'state="S_IDLE"/></pacemaker-result>')
        self.runner.set(("stonith_admin",), fakes.history_xml())
        self.sent = []
        self.clock = fakes.Clock()
        self.waits = []
        self.driver = handle_host.HandleHost(
            conf=self.conf, send=self.sent.append, clock=self.clock,
            wait=self._wait, runner=self.runner,
            self_names=handle_host.names.SelfNames([me]))

    def _wait(self, seconds):
        self.waits.append(seconds)
        return False

    def status(self, *nodes, **kwargs):
        self.runner.set(("crm_mon",), fakes.crm_mon_xml(*nodes, **kwargs))

    def cycle(self, *nodes, **kwargs):
        if nodes:
            self.status(*nodes, **kwargs)
        self.clock.advance(10)
        self.driver.run_cycle()
        assert self.driver.reporter.flush(5) if self.driver._reporter else True
        sent, self.sent[:] = list(self.sent), []
        return [(n["hostname"], n["payload"]["event"],
                 n["payload"]["host_status"]) for n in sent]


DOWN = [("node2", "STOPPED", "UNKNOWN")]


def test_dc_reports_member_failure():
    c = Cluster()
    c.cycle(N("node1"), N("node2"))
    assert c.cycle(N("node1"), N("node2", online=False)) == DOWN


def test_non_dc_stays_silent_and_takes_over_when_dc_moves():
    c = Cluster(me="node3")
    c.cycle(N("node1"), N("node2"), N("node3"))
    assert c.cycle(N("node1"), N("node2", online=False), N("node3")) == []
    # node1 stays DC: nothing more from us.
    assert c.cycle() == []
    # The DC role moves to us (node1 left cleanly): we send what node1
    # may not have sent.
    assert c.cycle(N("node1", online=False, expected_up=False),
                   N("node2", online=False), N("node3"), dc="node3") == DOWN
    assert c.cycle() == []


def test_takeover_is_bounded_in_time():
    c = Cluster(me="node3", monitoring_interval=10, monitoring_samples=1)
    c.cycle(N("node1"), N("node2"), N("node3"))
    c.cycle(N("node1"), N("node2", online=False), N("node3"))
    c.clock.advance(3600)
    assert c.cycle(N("node1", online=False, expected_up=False),
                   N("node2", online=False), N("node3"), dc="node3") == []


def test_reporting_all_reports_from_every_node():
    c = Cluster(me="node3", reporting="all")
    c.cycle(N("node1"), N("node2"), N("node3"))
    assert c.cycle(N("node1"), N("node2", online=False), N("node3")) == DOWN


def test_lowest_online_remote_reports_on_remote_nodes():
    nodes_up = (N("node1"), N("remote1", kind="remote"),
                N("remote2", kind="remote"), N("remote3", kind="remote"))
    failed = (N("node1"), N("remote1", kind="remote"),
              N("remote2", kind="remote"),
              N("remote3", kind="remote", online=False, unclean=True))
    reporters = []
    for me in ("remote1", "remote2"):
        c = Cluster(me=me, pacemaker_node_type="remote")
        c.cycle(*nodes_up)
        reporters.append(c.cycle(*failed))
    assert reporters == [[("remote3", "STOPPED", "UNKNOWN")], []]


def test_remote_nodes_and_members_watched_by_one_daemon():
    c = Cluster()
    c.cycle(N("node1"), N("node2"), N("remote1", kind="remote"))
    assert sorted(c.cycle(
        N("node1"), N("node2", online=False),
        N("remote1", kind="remote", online=False, unclean=True))) == [
        ("node2", "STOPPED", "UNKNOWN"), ("remote1", "STOPPED", "UNKNOWN")]


def test_restrict_to_remotes_ignores_members():
    c = Cluster(restrict_to_remotes=True)
    c.cycle(N("node1"), N("node2"), N("remote1", kind="remote"))
    assert c.cycle(
        N("node1"), N("node2", online=False),
        N("remote1", kind="remote", online=False, unclean=True)) == [
        ("remote1", "STOPPED", "UNKNOWN")]


def test_no_quorum_skips_everything():
    c = Cluster()
    c.cycle(N("node1"), N("node2"))
    assert c.cycle(N("node1"), N("node2", online=False), quorum=False) == []
    assert c.driver.tracker.hosts["node2"].held == "online"


def test_unsettled_controller_skips_the_cycle():
    c = Cluster()
    c.cycle(N("node1"), N("node2"))
    c.runner.set(("crmadmin",), '<pacemaker-result><crmd '
                 'state="S_ELECTION"/></pacemaker-result>')
    assert c.cycle(N("node1"), N("node2", online=False)) == []
    assert c.driver.tracker.hosts["node2"].held == "online"


def test_no_stack_skips_the_cycle():
    c = Cluster(pacemaker_node_type="autodetect")
    c.runner.set(("systemctl",), rc=3)
    c.cycle(N("node1"), N("node2"))
    assert c.runner.ran("crm_mon") == []


def test_failed_heartbeat_waits_stonith_wait_then_continues():
    c = Cluster(corosync_multicast_interfaces=["eth0"],
                corosync_multicast_ports=[5405], stonith_wait=30)
    c.runner.set(("tcpdump",), rc=124)
    c.cycle(N("node1"), N("node2"))
    assert c.waits == [30]
    assert c.runner.ran("crm_mon")


def test_heartbeat_config_error_aborts_the_cycle():
    c = Cluster(corosync_multicast_interfaces=["eth0", "eth1"],
                corosync_multicast_ports=[5405])
    c.status(N("node1"))
    with pytest.raises(stack.HeartbeatConfigError):
        c.driver.run_cycle()


def test_fencing_history_confirms_failure():
    c = Cluster(fencing_timeout=60)
    c.cycle(N("node1"), N("node2"))
    assert c.cycle(N("node1"), N("node2", online=False, unclean=True)) == []
    c.runner.set(("stonith_admin",), fakes.history_xml(
        ("node2", "reboot", "success", "2099-01-01 00:00:00Z")))
    assert c.cycle(N("node1"), N("node2", online=False,
                                 expected_up=False)) == [
        ("node2", "STOPPED", "NORMAL")]


def test_monitor_loop_survives_a_failing_cycle_and_stops():
    c = Cluster(monitoring_interval=7)
    c.runner.set(("crm_mon",), rc=102, stderr="Not connected")
    calls = []

    def wait(seconds):
        calls.append(seconds)
        if len(calls) == 3:
            c.driver.stop()
        return False

    c.driver.wait = wait
    c.driver.run_cycle = _fail_after(c.driver.run_cycle, 1)
    c.driver.monitor_hosts()
    assert calls == [7, 7, 7]
    assert len(c.runner.ran("crm_mon")) == 1


def _fail_after(func, n):
    calls = []

    def wrapper():
        calls.append(1)
        if len(calls) > n:
            raise RuntimeError("broken cycle")
        return func()
    return wrapper


def test_unreadable_status_skips_the_cycle():
    c = Cluster()
    c.runner.set(("crm_mon",), rc=102, stdout=(
        '<pacemaker-result><status code="102" message="Not connected"/>'
        '</pacemaker-result>'))
    c.driver.run_cycle()          # logged, not raised
    assert c.driver.tracker.hosts == {}


def test_pending_failure_is_confirmed_between_full_checks():
    c = Cluster(fencing_timeout=300, monitoring_interval=60)
    c.cycle(N("node1"), N("node2"))
    assert c.cycle(N("node1"), N("node2", online=False, unclean=True)) == []
    crm_mon_runs = len(c.runner.ran("crm_mon"))
    waits = []

    def wait(seconds):
        waits.append(seconds)
        c.clock.advance(seconds)
        if len(waits) == 2:
            c.runner.set(("stonith_admin",), fakes.history_xml(
                ("node2", "off", "success", "2099-01-01 00:00:00Z")))
        return False

    c.driver.wait = wait
    c.driver._idle(60)
    assert c.driver.reporter.flush(5)
    assert [(n["hostname"], n["payload"]["host_status"])
            for n in c.sent] == [("node2", "NORMAL")]
    assert waits == [5.0, 5.0, 50.0]
    assert len(c.runner.ran("crm_mon")) == crm_mon_runs


def test_idle_wait_is_bounded_and_ends_on_stop():
    c = Cluster(fencing_timeout=300, monitoring_interval=60)
    c.cycle(N("node1"), N("node2"))
    c.cycle(N("node1"), N("node2", online=False, unclean=True))
    waits = []

    def wait(seconds):          # a clock that never moves
        waits.append(seconds)
        return False

    c.driver.wait = wait
    c.driver._idle(60)
    assert 0 < len(waits) <= 61
    c.driver.stop()
    waits.clear()
    c.driver._idle(60)
    assert waits == []


# -- heartbeats: who reports when the DC runs no monitor -----------------

HB = "masakari-hostmonitor-heartbeat"


def _beats(c, *names):
    return {n: {HB: int(c.clock.now)} for n in names}


def _publishing(c):
    c.runner.set(("crm_attribute",))
    return c


def test_non_dc_reports_when_the_dc_runs_no_monitor():
    c = _publishing(Cluster(me="cmp1"))
    up = (N("ctl1"), N("cmp1"), N("cmp2"))
    c.cycle(*up, dc="ctl1")
    assert c.cycle(N("ctl1"), N("cmp1"), N("cmp2", online=False),
                   dc="ctl1") == [("cmp2", "STOPPED", "UNKNOWN")]
    published = [a for a in c.runner.ran("crm_attribute")
                 if "--update" in a]
    assert len(published) == 2 and published[0][4] == "cmp1"


def test_non_dc_stays_silent_when_the_dc_has_a_fresh_heartbeat():
    c = _publishing(Cluster(me="cmp1"))
    c.cycle(N("ctl1"), N("cmp1"), N("cmp2"), dc="ctl1",
            attributes=_beats(c, "ctl1"))
    assert c.cycle(N("ctl1"), N("cmp1"), N("cmp2", online=False),
                   dc="ctl1", attributes=_beats(c, "ctl1")) == []


def test_lower_named_monitor_reports_instead_of_us():
    c = _publishing(Cluster(me="cmp2"))
    c.cycle(N("ctl1"), N("cmp1"), N("cmp2"), N("cmp3"), dc="ctl1",
            attributes=_beats(c, "cmp1"))
    assert c.cycle(N("ctl1"), N("cmp1"), N("cmp2"), N("cmp3", online=False),
                   dc="ctl1", attributes=_beats(c, "cmp1")) == []


def test_stale_heartbeat_of_the_lower_node_hands_the_report_to_us():
    c = _publishing(Cluster(me="cmp2", monitoring_interval=10,
                            stonith_wait=0))
    frozen = _beats(c, "cmp1")        # cmp1's monitor hangs after this
    c.cycle(N("ctl1"), N("cmp1"), N("cmp2"), N("cmp3"), dc="ctl1",
            attributes=frozen)
    failed = (N("ctl1"), N("cmp1"), N("cmp2"), N("cmp3", online=False))
    assert c.cycle(*failed, dc="ctl1", attributes=frozen) == []
    reports = []
    for _ in range(10):                # window: 2*10 + 0 + 30 s
        reports += c.cycle()
    assert reports == [("cmp3", "STOPPED", "UNKNOWN")]


def test_without_any_heartbeat_only_the_dc_reports():
    # crm_attribute fails (no answer scripted): the old DC-only rule.
    c = Cluster(me="cmp1")
    c.cycle(N("ctl1"), N("cmp1"), N("cmp2"), dc="ctl1")
    assert c.cycle(N("ctl1"), N("cmp1"), N("cmp2", online=False),
                   dc="ctl1") == []


def test_heartbeat_is_withdrawn_when_the_loop_ends():
    c = _publishing(Cluster(me="cmp1"))
    c.status(N("ctl1"), N("cmp1"), dc="ctl1")
    c.driver.wait = lambda seconds: c.driver.stop() or True
    c.driver.monitor_hosts()
    calls = c.runner.ran("crm_attribute")
    assert "--update" in calls[0] and calls[-1] == (
        "crm_attribute", "--lifetime", "reboot", "--node", "cmp1",
        "--name", HB, "--delete")


def _local(epoch, offset_hours):
    """``epoch`` as Pacemaker 3 writes it on a node ``offset_hours`` east
    of UTC, e.g. ``2027-01-16 02:00:33.250000 +09:00``."""
    zone = datetime.timezone(datetime.timedelta(hours=offset_hours))
    when = datetime.datetime.fromtimestamp(epoch, zone)
    return when.strftime("%Y-%m-%d %H:%M:%S.%f ") + when.isoformat()[-6:]


@pytest.mark.parametrize("offset_hours", [9, 1, -5])
def test_fencing_history_in_local_time_confirms_with_evidence(offset_hours):
    c = Cluster(fencing_timeout=60)
    c.cycle(N("node1"), N("node2"))
    assert c.cycle(N("node1"), N("node2", online=False, unclean=True)) == []
    fenced_at = c.clock() + 3.25
    c.runner.set(("stonith_admin",), fakes.history_xml(
        ("node2", "reboot", "success", _local(fenced_at, offset_hours))))
    c.status(N("node1"), N("node2", online=False, expected_up=False))
    c.clock.advance(10)
    c.driver.run_cycle()
    assert c.driver.reporter.flush(5)
    note, = c.sent
    expected_at = datetime.datetime.fromtimestamp(
        int(fenced_at), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert note["payload"] == {
        "event": "STOPPED", "cluster_status": "OFFLINE",
        "host_status": "NORMAL",
        "fencing": {"confirmed": True, "source": "stonith-history",
                    "at": expected_at}}
