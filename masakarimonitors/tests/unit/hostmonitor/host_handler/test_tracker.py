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

from masakarimonitors.hostmonitor import events
from masakarimonitors.hostmonitor.host_handler import crm_mon
from masakarimonitors.hostmonitor.host_handler import tracker
from masakarimonitors.tests.unit.hostmonitor import fakes
from masakarimonitors.tests.unit.hostmonitor.fakes import N

GENERATED = datetime.datetime(2026, 11, 22, 3, 0, 0)


class Oracle:
    def __init__(self, clock):
        self.clock = clock
        self.fenced = {}        # host -> completion time
        self.power = {}         # host -> answers (True/False); absent: no BMC
        self.power_calls = []
        self.bmc_queries = []

    def fenced_since(self, host, since):
        at = self.fenced.get(host)
        if at is None or at < since:
            return None
        return events.Evidence(events.SOURCE_HISTORY, at)

    def bmc_known(self, host):
        self.bmc_queries.append(host)
        return host in self.power

    def power_off(self, host):
        self.power_calls.append(host)
        answers = self.power[host]
        off = answers.pop(0) if len(answers) > 1 else answers[0]
        return events.Evidence(events.SOURCE_IPMI, self.clock()) if off else None


class Harness:
    def __init__(self, leader=True, **settings):
        settings.setdefault("ipmi_enabled", False)
        settings.setdefault("fencing_timeout", 60)
        self.tracker = tracker.Tracker(tracker.Settings(**settings),
                                       lambda name: name == "node1",
                                       now=lambda: GENERATED)
        self.clock = fakes.Clock()
        self.oracle = Oracle(self.clock)
        self.leader = leader

    def cycle(self, *nodes, maintenance_mode=False, advance=10):
        self.clock.advance(advance)
        view = crm_mon.parse(fakes.crm_mon_xml(
            N("node1"), *nodes, maintenance_mode=maintenance_mode))
        notes = self.tracker.observe(view, list(view.nodes), self.clock(),
                                     self.oracle, may_probe=self.leader)
        return [(n["hostname"], n["payload"]["event"],
                 n["payload"]["host_status"]) for n in notes]


UP = N("node2")
UNCLEAN = N("node2", online=False, unclean=True)
CRASHED = N("node2", online=False)            # stonith disabled
CLEAN_DOWN = N("node2", online=False, expected_up=False)
STOPPED_NORMAL = [("node2", "STOPPED", "NORMAL")]
STOPPED_UNKNOWN = [("node2", "STOPPED", "UNKNOWN")]
STARTED = [("node2", "STARTED", "NORMAL")]


def test_notification_shape():
    h = Harness()
    h.clock.now = 1_796_662_900.0
    h.cycle(UP)
    h.oracle.fenced["node2"] = 1_796_662_923.75    # 2026-12-07 17:02:03.75Z
    view = crm_mon.parse(fakes.crm_mon_xml(N("node1"), UNCLEAN))
    note, = h.tracker.observe(view, list(view.nodes), h.clock() + 10,
                              h.oracle, may_probe=True)
    assert note == {"type": "COMPUTE_HOST", "hostname": "node2",
                    "generated_time": GENERATED,
                    "payload": {"event": "STOPPED",
                                "cluster_status": "OFFLINE",
                                "host_status": "NORMAL",
                                "fencing": {
                                    "confirmed": True,
                                    "source": "stonith-history",
                                    "at": "2026-12-07T17:02:03Z"}}}


def test_self_is_never_reported():
    h = Harness()
    h.cycle()
    assert "node1" not in h.tracker.hosts


def test_failure_reported_normal_once_fenced():
    h = Harness()
    assert h.cycle(UP) == []
    assert h.cycle(UNCLEAN) == []                  # fencing in progress
    h.oracle.fenced["node2"] = h.clock() + 5
    assert h.cycle(CLEAN_DOWN) == STOPPED_NORMAL   # fenced: expected down
    assert h.cycle(CLEAN_DOWN) == []
    assert h.cycle(UP) == STARTED


def test_unconfirmed_failure_reported_unknown_then_normal_on_fencing():
    h = Harness(fencing_timeout=30)
    h.cycle(UP)
    assert h.cycle(CRASHED) == []
    assert h.cycle(CRASHED) == []
    assert h.cycle(CRASHED, advance=20) == STOPPED_UNKNOWN
    assert h.cycle(CRASHED) == []
    h.oracle.fenced["node2"] = h.clock()
    assert h.cycle(CRASHED) == STOPPED_NORMAL
    assert h.cycle(CRASHED) == []


def test_zero_fencing_timeout_reports_at_once():
    h = Harness(fencing_timeout=0)
    h.cycle(UP)
    assert h.cycle(CRASHED) == STOPPED_UNKNOWN


def test_assume_fenced_restores_upstream_behaviour():
    h = Harness(assume_fenced=True)
    h.cycle(UP)
    assert h.cycle(CRASHED) == STOPPED_NORMAL


def test_fencing_before_last_online_does_not_count():
    h = Harness(fencing_timeout=0)
    h.oracle.fenced["node2"] = h.clock() - 3600
    h.cycle(UP)
    assert h.cycle(CRASHED) == STOPPED_UNKNOWN


def test_clean_shutdown_of_member_is_not_a_failure():
    h = Harness(fencing_timeout=0)
    h.cycle(UP)
    assert h.cycle(CLEAN_DOWN) == []
    assert h.cycle(CLEAN_DOWN) == []
    assert h.cycle(UP) == STARTED


@pytest.mark.parametrize("flag", ["standby", "maintenance", "shutdown"])
def test_planned_flag_when_last_online_suppresses_report(flag):
    h = Harness(fencing_timeout=0)
    h.cycle(N("node2", **{flag: True}))
    assert h.cycle(CRASHED) == []


def test_cluster_maintenance_mode_suppresses_report():
    h = Harness(fencing_timeout=0)
    h.cycle(UP)
    assert h.cycle(CRASHED, maintenance_mode=True) == []


def test_unclean_in_standby_is_still_a_failure():
    h = Harness(fencing_timeout=0)
    h.cycle(N("node2", standby=True))
    assert h.cycle(N("node2", standby=True, online=False,
                     unclean=True)) == STOPPED_UNKNOWN


def test_online_but_unclean_counts_as_failed():
    h = Harness(fencing_timeout=0)
    h.cycle(UP)
    assert h.cycle(N("node2", unclean=True)) == STOPPED_UNKNOWN


def test_remote_node_failure_and_recovery():
    h = Harness()
    h.cycle(N("remote1", kind="remote"))
    assert h.cycle(N("remote1", kind="remote", online=False,
                     unclean=True)) == []
    h.oracle.fenced["remote1"] = h.clock()
    assert h.cycle(N("remote1", kind="remote", online=False,
                     expected_up=False)) == [
        ("remote1", "STOPPED", "NORMAL")]
    assert h.cycle(N("remote1", kind="remote")) == [
        ("remote1", "STARTED", "NORMAL")]


def test_remote_clean_stop_of_connection_is_unknown_not_normal():
    # Remote nodes never have expected_up; without fencing or a planned
    # flag a remote that went away is an unconfirmed failure.
    h = Harness(fencing_timeout=0)
    h.cycle(N("remote1", kind="remote"))
    assert h.cycle(N("remote1", kind="remote", online=False,
                     expected_up=False)) == [
        ("remote1", "STOPPED", "UNKNOWN")]


def test_first_sight_unclean_is_reported_once():
    h = Harness(fencing_timeout=0)
    assert h.cycle(UNCLEAN) == STOPPED_UNKNOWN
    assert h.cycle(UNCLEAN) == []


def test_first_sight_member_expected_up_is_reported_unconfirmed():
    h = Harness(fencing_timeout=0)
    assert h.cycle(CRASHED) == STOPPED_UNKNOWN


def test_first_sight_recently_fenced_is_reported():
    h = Harness(lookback=600)
    h.oracle.fenced["node2"] = h.clock() - 100
    assert h.cycle(CLEAN_DOWN) == STOPPED_NORMAL


def test_first_sight_clean_down_is_not_reported():
    h = Harness(lookback=600, fencing_timeout=0)
    h.oracle.fenced["node2"] = h.clock() - 6000
    assert h.cycle(CLEAN_DOWN) == []
    assert h.cycle(CRASHED) == []       # a change within "offline"
    assert h.cycle(UP) == STARTED


def test_samples_stabilise_a_change():
    h = Harness(samples=3, fencing_timeout=0)
    seq = [UP, UP, CRASHED, CRASHED, CRASHED]
    out = [h.cycle(n) for n in seq]
    assert out == [[], [], [], [], STOPPED_UNKNOWN]


def test_samples_ignore_flapping():
    h = Harness(samples=3, fencing_timeout=0)
    seq = [UP, UP, UP, CRASHED, CRASHED, UP, CRASHED, CRASHED, CRASHED]
    out = [h.cycle(n) for n in seq]
    assert out[:8] == [[]] * 8 and out[8] == STOPPED_UNKNOWN


def test_unclean_then_fenced_do_not_break_sampling():
    h = Harness(samples=2)
    h.cycle(UP)
    h.cycle(UP)
    assert h.cycle(UNCLEAN) == []
    h.oracle.fenced["node2"] = h.clock()
    assert h.cycle(CLEAN_DOWN) == STOPPED_NORMAL


def test_ipmi_confirms_power_off():
    h = Harness(ipmi_enabled=True, ipmi_retry_max=3, ipmi_retry_interval=10)
    h.oracle.power["node2"] = [False, True]
    h.cycle(UP)
    assert h.cycle(CRASHED) == []
    assert h.cycle(CRASHED, advance=5) == []       # retry not due yet
    assert h.oracle.power_calls == ["node2"]
    assert h.cycle(CRASHED, advance=5) == STOPPED_NORMAL
    assert h.oracle.power_calls == ["node2", "node2"]


def test_ipmi_retries_are_bounded_then_unknown():
    h = Harness(ipmi_enabled=True, ipmi_retry_max=2, ipmi_retry_interval=0,
                fencing_timeout=0)
    h.oracle.power["node2"] = [False]
    h.cycle(UP)
    out = [h.cycle(CRASHED) for _ in range(5)]
    assert out == [[], [], STOPPED_UNKNOWN, [], []]
    assert len(h.oracle.power_calls) == 3


def test_ipmi_without_parameters_is_not_retried():
    h = Harness(ipmi_enabled=True, fencing_timeout=0)
    h.cycle(UP)
    assert h.cycle(CRASHED) == STOPPED_UNKNOWN
    h.cycle(CRASHED)
    assert h.oracle.bmc_queries == ["node2"]
    assert h.oracle.power_calls == []


def test_non_reporter_does_not_query_bmcs():
    h = Harness(leader=False, ipmi_enabled=True, fencing_timeout=0)
    h.oracle.power["node2"] = [True]
    h.cycle(UP)
    assert h.cycle(CRASHED) == STOPPED_UNKNOWN
    assert h.oracle.power_calls == []


def test_samples_documented_example_flap_then_down():
    h = Harness(samples=3, fencing_timeout=0)
    seq = [UP, CRASHED, CRASHED, UP, CRASHED, CRASHED, CRASHED]
    out = [h.cycle(n) for n in seq]
    assert out == [[]] * 6 + [STOPPED_UNKNOWN]


def test_first_sight_offline_also_needs_samples():
    h = Harness(samples=2, fencing_timeout=0)
    assert h.cycle(UNCLEAN) == []
    assert h.cycle(UNCLEAN) == STOPPED_UNKNOWN


def _payloads(h, *nodes, advance=10):
    h.clock.advance(advance)
    view = crm_mon.parse(fakes.crm_mon_xml(N("node1"), *nodes))
    return [n["payload"] for n in h.tracker.observe(
        view, list(view.nodes), h.clock(), h.oracle, may_probe=h.leader)]


def test_history_evidence_is_in_the_normal_report():
    h = Harness()
    h.clock.now = 1_796_662_900.0
    _payloads(h, UP)                              # 2026-12-07 17:01:50Z
    h.oracle.fenced["node2"] = 1_796_662_923.5
    payload, = _payloads(h, UNCLEAN)
    assert payload["host_status"] == "NORMAL"
    assert payload["fencing"] == {"confirmed": True,
                                  "source": "stonith-history",
                                  "at": "2026-12-07T17:02:03Z"}


def test_ipmi_evidence_is_dated_by_the_check():
    h = Harness(ipmi_enabled=True)
    h.clock.now = 1_796_662_900.0
    h.oracle.power["node2"] = [True]
    _payloads(h, UP)                              # at 17:01:50Z
    payload, = _payloads(h, CRASHED, advance=3)   # checked at 17:01:53Z
    assert payload["host_status"] == "NORMAL"
    assert payload["fencing"] == {"confirmed": True, "source": "ipmi",
                                  "at": "2026-12-07T17:01:53Z"}


def test_assumed_fencing_sends_no_evidence():
    h = Harness(assume_fenced=True, ipmi_enabled=True)
    h.oracle.power["node2"] = [True]
    _payloads(h, UP)
    payload, = _payloads(h, CRASHED)
    assert payload == {"event": "STOPPED", "cluster_status": "OFFLINE",
                       "host_status": "NORMAL"}
    assert h.oracle.power_calls == []             # nothing was asked


def test_assumed_fencing_still_reports_real_evidence():
    h = Harness(assume_fenced=True)
    _payloads(h, UP)
    h.oracle.fenced["node2"] = h.clock() + 1
    payload, = _payloads(h, UNCLEAN)
    assert payload["fencing"]["source"] == "stonith-history"


def test_unknown_and_started_reports_carry_no_evidence():
    h = Harness(fencing_timeout=0)
    _payloads(h, UP)
    unknown, = _payloads(h, CRASHED)
    assert unknown["host_status"] == "UNKNOWN" and "fencing" not in unknown
    h.oracle.fenced["node2"] = h.clock()
    normal, = _payloads(h, CRASHED)
    assert normal["fencing"]["source"] == "stonith-history"
    started, = _payloads(h, UP)
    assert started["event"] == "STARTED" and "fencing" not in started


def test_evidence_reporting_can_be_disabled():
    h = Harness(report_evidence=False)
    _payloads(h, UP)
    h.oracle.fenced["node2"] = h.clock() + 1
    payload, = _payloads(h, UNCLEAN)
    assert payload == {"event": "STOPPED", "cluster_status": "OFFLINE",
                       "host_status": "NORMAL"}


def test_settings_read_the_evidence_option():
    conf = fakes.make_conf()
    assert tracker.Settings.from_conf(conf.host).report_evidence is True
    conf = fakes.make_conf(report_fencing_evidence=False)
    assert tracker.Settings.from_conf(conf.host).report_evidence is False
