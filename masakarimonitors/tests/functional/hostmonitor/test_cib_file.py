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

"""The Pacemaker driver against the real crm_mon and cibadmin reading CIB
documents through CIB_file. stonith_admin ignores CIB_file, so the fencing
history comes through the driver's history seam."""

import datetime
import time

import pytest

from masakarimonitors.hostmonitor import commands
from masakarimonitors.hostmonitor import names
from masakarimonitors.hostmonitor.host_handler import crm_mon
from masakarimonitors.hostmonitor.host_handler import handle_host
from masakarimonitors.hostmonitor.host_handler import heartbeat
from masakarimonitors.tests.functional.hostmonitor import cib
from masakarimonitors.tests.functional.hostmonitor import conftest
from masakarimonitors.tests.functional.hostmonitor import fake_api
from masakarimonitors.tests.unit.hostmonitor import fakes

pytestmark = pytest.mark.functional

IPMI_RESOURCE = (
    '<primitive id="fence-node2" class="stonith" type="external/ipmi">'
    '<instance_attributes id="f2">'
    '<nvpair id="f2-1" name="hostname" value="node2"/>'
    '<nvpair id="f2-2" name="ipaddr" value="192.0.2.2"/>'
    '<nvpair id="f2-3" name="userid" value="admin"/>'
    '<nvpair id="f2-4" name="passwd" value="Sup3rS3cret"/>'
    '<nvpair id="f2-5" name="interface" value="lanplus"/>'
    '</instance_attributes></primitive>')


@pytest.fixture(autouse=True)
def _tools():
    conftest.require_tools("crm_mon", "cibadmin")


def _beat(age=0.0):
    return {heartbeat.ATTRIBUTE: str(int(time.time() - age))}


def _utc_text(offset=0.0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    return moment.strftime("%Y-%m-%d %H:%M:%SZ")


class CibCluster:
    """Monitor ``me`` of a cluster described by a CIB file. Its heartbeat
    goes into that file through the real crm_attribute unless
    ``heartbeat=False`` (an older monitor, or the attribute cannot be
    written)."""

    def __init__(self, tmp_path, api, me="node1", heartbeat=True,
                 **overrides):
        overrides.setdefault("pacemaker_node_type", "cluster")
        overrides.setdefault("disable_ipmi_check", True)
        overrides.setdefault("fencing_timeout", 60)
        overrides.setdefault("api_retry_max", 0)
        self.api = api
        self.path = tmp_path / "cib.xml"
        self.history = fakes.history_xml()
        self.ipmi_calls = []
        self.ipmi_answer = commands.Result(0, "Chassis Power is off\n", "")
        self.heartbeat = heartbeat
        conf = fake_api.client_conf(tmp_path, api, **overrides)
        self.driver = handle_host.HandleHost(
            conf=conf, notifier=fake_api.client_notifier(conf),
            runner=self._run, history_reader=lambda: self.history,
            self_names=names.SelfNames([me]))

    def _run(self, argv, *, root=False, env=None, timeout=30.0):
        tool = argv[0]
        if tool == "crmadmin":      # asks the live controller: scripted
            return commands.Result(
                0, '<pacemaker-result><crmd state="S_IDLE"/>'
                   '</pacemaker-result>', "")
        if tool == "ipmitool":
            self.ipmi_calls.append((tuple(argv), dict(env or {})))
            return self.ipmi_answer
        if tool == "crm_attribute" and not self.heartbeat:
            return commands.Result(1, "", "crm_attribute: refused")
        assert tool in ("crm_mon", "cibadmin", "crm_attribute"), argv
        return commands.run(argv, env={**(env or {}),
                                       "CIB_file": str(self.path)},
                            timeout=timeout)

    def cycle(self, members, remotes=None, **kwargs):
        self.path.write_text(cib.build(members, remotes, **kwargs))
        self.driver.run_cycle()
        if self.driver._reporter is not None:
            assert self.driver.reporter.flush(10)
        return [(n["hostname"], n["payload"]["event"],
                 n["payload"]["host_status"])
                for n in self.api.notifications()]


def test_real_crm_mon_output_is_understood(tmp_path):
    path = tmp_path / "cib.xml"
    path.write_text(cib.build(
        {"node1": "online", "node2": "failed", "node3": "down",
         "node4": "online", "node5": "online"},
        {"r1": "online", "r2": "failed", "r3": "down"},
        standby=("node4",), maintenance=("node5",)))
    env = {"CIB_file": str(path)}
    current = commands.run(crm_mon.CURRENT_CMD, env=env)
    legacy = commands.run(crm_mon.LEGACY_CMD, env=env)
    view = crm_mon.parse(current.stdout)
    assert view == crm_mon.parse(legacy.stdout)
    assert view.quorum and view.dc == "node1"
    summary = {n.name: (n.kind, handle_host.tracker.normalise(n), n.unclean)
               for n in view.nodes}
    assert summary == {
        "node1": ("member", "online", False),
        "node2": ("member", "offline", True),
        "node3": ("member", "offline", False),
        "node4": ("member", "online", False),
        "node5": ("member", "online", False),
        "r1": ("remote", "online", False),
        "r2": ("remote", "offline", True),
        "r3": ("remote", "offline", False),
    }
    assert view.node("node4").standby and view.node("node5").maintenance
    assert not view.node("node3").expected_up


def test_no_quorum_from_real_crm_mon(tmp_path):
    path = tmp_path / "cib.xml"
    path.write_text(cib.build({"node1": "online"}, quorum=False))
    view = crm_mon.parse(commands.run(
        crm_mon.CURRENT_CMD, env={"CIB_file": str(path)}).stdout)
    assert not view.quorum


def test_member_failure_reported_normal_once_fenced(tmp_path, api):
    c = CibCluster(tmp_path, api)
    assert c.cycle({"node1": "online", "node2": "online"}) == []
    assert c.cycle({"node1": "online", "node2": "failed"}) == []
    fenced_text = _utc_text(1)
    c.history = fakes.history_xml(("node2", "reboot", "success",
                                   fenced_text))
    assert c.cycle({"node1": "online", "node2": "down"}) == [
        ("node2", "STOPPED", "NORMAL")]
    body = api.notifications()[0]
    assert body["type"] == "COMPUTE_HOST"
    assert body["payload"] == {
        "event": "STOPPED", "cluster_status": "OFFLINE",
        "host_status": "NORMAL",
        "fencing": {"confirmed": True, "source": "stonith-history",
                    "at": fenced_text.replace(" ", "T")}}
    assert datetime.datetime.fromisoformat(body["generated_time"])
    assert api.posts[0][0] == "/v1/notifications"
    # Staying down is not reported again; coming back is.
    c.cycle({"node1": "online", "node2": "down"})
    assert c.cycle({"node1": "online", "node2": "online"})[1:] == [
        ("node2", "STARTED", "NORMAL")]


def test_members_and_remotes_in_one_daemon(tmp_path, api):
    c = CibCluster(tmp_path, api, fencing_timeout=0)
    c.cycle({"node1": "online", "node2": "online"},
            {"r1": "online", "r2": "online"})
    assert sorted(c.cycle({"node1": "online", "node2": "failed"},
                          {"r1": "online", "r2": "failed"})) == [
        ("node2", "STOPPED", "UNKNOWN"), ("r2", "STOPPED", "UNKNOWN")]


def test_ipmi_confirms_power_off_without_password_in_argv(tmp_path, api):
    c = CibCluster(tmp_path, api, disable_ipmi_check=False)
    members = {"node1": "online", "node2": "online"}
    c.cycle(members, extra_resources=IPMI_RESOURCE)
    assert c.cycle({"node1": "online", "node2": "failed"},
                   extra_resources=IPMI_RESOURCE) == [
        ("node2", "STOPPED", "NORMAL")]
    (argv, env), = c.ipmi_calls
    assert "Sup3rS3cret" not in " ".join(argv)
    assert env == {"IPMI_PASSWORD": "Sup3rS3cret"}
    assert argv[argv.index("-H") + 1] == "192.0.2.2"
    evidence = api.notifications()[0]["payload"]["fencing"]
    assert evidence["confirmed"] is True and evidence["source"] == "ipmi"
    assert datetime.datetime.strptime(evidence["at"], "%Y-%m-%dT%H:%M:%SZ")


def test_ipmi_power_on_is_not_a_confirmation(tmp_path, api):
    c = CibCluster(tmp_path, api, disable_ipmi_check=False,
                   fencing_timeout=0, ipmi_retry_max=0)
    c.ipmi_answer = commands.Result(0, "Chassis Power is on\n", "")
    c.cycle({"node1": "online", "node2": "online"},
            extra_resources=IPMI_RESOURCE)
    assert c.cycle({"node1": "online", "node2": "failed"},
                   extra_resources=IPMI_RESOURCE) == [
        ("node2", "STOPPED", "UNKNOWN")]


@pytest.mark.parametrize("planned", [
    {"standby": ("node2",)}, {"maintenance": ("node2",)},
    {"maintenance_mode": True}])
def test_planned_down_is_not_reported(tmp_path, api, planned):
    c = CibCluster(tmp_path, api, fencing_timeout=0)
    c.cycle({"node1": "online", "node2": "online"}, **planned)
    assert c.cycle({"node1": "online", "node2": "failed"},
                   stonith=False, **planned) == []


def test_clean_shutdown_is_not_reported(tmp_path, api):
    c = CibCluster(tmp_path, api, fencing_timeout=0)
    c.cycle({"node1": "online", "node2": "online"})
    assert c.cycle({"node1": "online", "node2": "down"}) == []


def test_remote_standby_is_planned(tmp_path, api):
    c = CibCluster(tmp_path, api, fencing_timeout=0)
    c.cycle({"node1": "online"}, {"r1": "online"}, standby=("r1",))
    assert c.cycle({"node1": "online"}, {"r1": "down"},
                   standby=("r1",)) == []


def test_failure_without_quorum_waits_for_quorum(tmp_path, api):
    c = CibCluster(tmp_path, api, fencing_timeout=0)
    c.cycle({"node1": "online", "node2": "online"})
    assert c.cycle({"node1": "online", "node2": "failed"},
                   quorum=False) == []
    assert c.cycle({"node1": "online", "node2": "failed"}) == [
        ("node2", "STOPPED", "UNKNOWN")]


def test_host_failed_before_start_is_reported_once(tmp_path, api):
    c = CibCluster(tmp_path, api, fencing_timeout=0)
    members = {"node1": "online", "node2": "failed", "node3": "down"}
    assert c.cycle(members) == [("node2", "STOPPED", "UNKNOWN")]
    assert c.cycle(members) == [("node2", "STOPPED", "UNKNOWN")]


@pytest.mark.parametrize("heartbeats", [True, False])
def test_only_the_dc_reports(tmp_path, api, heartbeats):
    """With heartbeats (the DC runs a monitor) or without any (older
    monitors): the DC reports, a non-DC takes over when it is gone."""
    c = CibCluster(tmp_path, api, fencing_timeout=0, heartbeat=heartbeats)
    beat = {"node3": _beat()} if heartbeats else {}
    members = {"node1": "online", "node2": "online", "node3": "online"}
    c.cycle(members, dc="node3", transient=beat)
    assert c.cycle({**members, "node2": "failed"}, dc="node3",
                   transient=beat) == []
    # node3 is gone, we became DC: the report is ours now.
    assert c.cycle({"node1": "online", "node2": "failed",
                    "node3": "down"}) == [("node2", "STOPPED", "UNKNOWN")]


# -- heartbeats in a mixed cluster (controllers run no hostmonitor) ------

MIXED = {"ctl1": "online", "cmp1": "online", "cmp2": "online",
         "cmp3": "online"}


def test_heartbeat_is_published_as_a_transient_attribute(tmp_path, api):
    c = CibCluster(tmp_path, api, me="cmp2")
    before = time.time()
    c.cycle(MIXED, dc="ctl1")
    view = crm_mon.parse(commands.run(
        crm_mon.CURRENT_CMD, env={"CIB_file": str(c.path)}).stdout)
    value = int(view.attributes["cmp2"][heartbeat.ATTRIBUTE])
    assert int(before) <= value <= time.time()
    c.driver.withdraw_heartbeat()
    view = crm_mon.parse(commands.run(
        crm_mon.CURRENT_CMD, env={"CIB_file": str(c.path)}).stdout)
    assert heartbeat.ATTRIBUTE not in view.attributes.get("cmp2", {})


def test_lowest_monitor_reports_when_the_dc_runs_none(tmp_path, api):
    # ctl1 (DC) runs no monitor; cmp1 has the lowest name among monitors.
    reports = {}
    for me in ("cmp1", "cmp2"):
        (tmp_path / me).mkdir()
        c = CibCluster(tmp_path / me, api, me=me, fencing_timeout=0)
        beats = {"cmp1": _beat(), "cmp2": _beat()}
        c.cycle(MIXED, dc="ctl1", transient=beats)
        seen = len(api.notifications())
        c.cycle({**MIXED, "cmp3": "failed"}, dc="ctl1", transient=beats)
        reports[me] = [(n["hostname"], n["payload"]["event"])
                       for n in api.notifications()[seen:]]
    assert reports == {"cmp1": [("cmp3", "STOPPED")], "cmp2": []}


def test_dc_with_fresh_heartbeat_keeps_the_role(tmp_path, api):
    c = CibCluster(tmp_path, api, me="cmp1", fencing_timeout=0)
    beats = {"ctl1": _beat(), "cmp2": _beat()}
    c.cycle(MIXED, dc="ctl1", transient=beats)
    assert c.cycle({**MIXED, "cmp3": "failed"}, dc="ctl1",
                   transient=beats) == []


def test_stale_heartbeat_does_not_count(tmp_path, api):
    # ctl1's monitor stopped updating long ago: cmp2 (we) must report.
    c = CibCluster(tmp_path, api, me="cmp2", fencing_timeout=0)
    beats = {"ctl1": _beat(age=3600)}
    c.cycle(MIXED, dc="ctl1", transient=beats)
    assert c.cycle({**MIXED, "cmp3": "failed"}, dc="ctl1",
                   transient=beats) == [("cmp3", "STOPPED", "UNKNOWN")]


def test_remote_monitor_reports_for_a_cluster_of_controllers(tmp_path,
                                                             api):
    # Members are controllers without monitors; the remote node reports.
    c = CibCluster(tmp_path, api, me="r1", fencing_timeout=0,
                   pacemaker_node_type="remote")
    members = {"ctl1": "online", "ctl2": "online"}
    c.cycle(members, {"r1": "online", "r2": "online"}, dc="ctl1")
    assert c.cycle(members, {"r1": "online", "r2": "failed"},
                   dc="ctl1") == [("r2", "STOPPED", "UNKNOWN")]
