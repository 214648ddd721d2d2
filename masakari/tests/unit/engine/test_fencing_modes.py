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

"""[fencing] modes end to end: a host failure notification in the
database, the engine's manager, the cloud simulator as Nova (scaled time),
and, where the engine fences itself, a real fence agent process that powers
the simulated host off through the simulator's control API.
"""

import datetime
import json
import os
import stat
import sys
import textwrap

import pytest
import yaml

from masakari.engine import app as app_mod
from masakari.engine.fencing import fencer as fencer_mod
from masakari.tests.unit.engine import fakes
from masakari.tests.unit.engine import sim as simhelp

HA = {"HA_Enabled": "True"}
NOT_PROVEN = {"event": "STOPPED", "host_status": "NORMAL",
              "cluster_status": "OFFLINE"}
UNKNOWN = {"event": "STOPPED", "host_status": "UNKNOWN",
           "cluster_status": "OFFLINE"}

# A ClusterLabs-style fence agent: options as key=value lines on stdin;
# "off" kills the simulated host through the simulator's control API,
# "status" exits 2 once it is off, 0 while on. "refuse" makes it fail.
AGENT = textwrap.dedent("""\
    #!{python}
    import os, sys, urllib.request
    opts = dict(line.strip().split("=", 1) for line in sys.stdin if "=" in line)
    state = opts["state_dir"] + "/" + opts["plug"]
    if opts.get("password") != "s3cret" or opts.get("refuse") == "1":
        sys.stderr.write("Unable to connect/login to fencing device\\n")
        sys.exit(1)
    if opts["action"] == "off":
        req = urllib.request.Request(
            opts["sim_url"] + "/hosts/" + opts["plug"] + "/kill",
            data=b"", method="POST")
        urllib.request.urlopen(req, timeout=10).read()
        open(state, "w").close()
        sys.exit(0)
    if opts["action"] == "status":
        sys.exit(2 if os.path.exists(state) else 0)
    sys.exit(1)
    """)


class Ctx:
    global_id = None

    def to_dict(self):
        return {}


@pytest.fixture
def cloud():
    with simhelp.cloud() as sim:
        for name in ("h1", "h2", "h3", "h4"):
            sim.add_host(name)
        yield sim


@pytest.fixture
def agent(tmp_path):
    path = tmp_path / "fence_sim"
    path.write_text(AGENT.format(python=sys.executable))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "state").mkdir()
    return path


@pytest.fixture
def make_fencer(tmp_path, agent, cloud, monkeypatch):
    monkeypatch.setenv("SIM_FENCE_PASSWORD", "s3cret")

    def make(refuse_first=False):
        device = {"driver": "fence_agent", "agent": str(agent),
                  "password_env": "SIM_FENCE_PASSWORD", "timeout": 20,
                  "options": {"plug": "{host}", "sim_url": cloud.admin_url,
                              "state_dir": str(tmp_path / "state")}}
        devices = [device]
        if refuse_first:
            devices = [dict(device, options=dict(device["options"],
                                                 refuse="1")), device]
        path = tmp_path / "fencing.yaml"
        path.write_text(yaml.safe_dump({"hosts": {"h1": devices}}))
        return fencer_mod.Fencer.from_file(str(path))
    return make


@pytest.fixture
def run(conf, cloud, db):
    conf.set_override("wait_period_after_evacuation", 30)
    conf.set_override("wait_period_after_service_update", 40)
    segment = db.api.failover_segment_create({
        "name": "seg", "service_type": "COMPUTE", "recovery_method": "auto"})
    hosts = {name: db.api.host_create({
        "name": name, "type": "COMPUTE", "control_attributes": "SSH",
        "failover_segment_id": segment.uuid}) for name in
        ("h1", "h2", "h3", "h4")}
    managers = []

    def run(payload, fencer=None, host="h1"):
        mgr = fakes.make_manager(
            conf, driver=simhelp.driver(conf, cloud), db=db.api,
            clock=simhelp.SimEngineClock(cloud.clock),
            emit=lambda *a, **k: None, fencer=fencer)
        managers.append(mgr)
        note = db.api.notification_create({
            "type": "COMPUTE_HOST", "source_host_uuid": hosts[host].uuid,
            "failover_segment_uuid": segment.uuid, "status": "new", "generated_time": datetime.datetime(2026, 1, 1),
            "payload": payload})
        status = mgr.process(Ctx(), note.notification_uuid)
        row = db.api.notification_get_by_uuid(note.notification_uuid)
        details = mgr.get_notification_recovery_workflow_details(
            Ctx(), note.notification_uuid)
        messages = [d["message"] for task in details
                    for d in task["progress_details"]]
        return status, row, messages
    run.managers = managers
    yield run
    for mgr in managers:
        mgr.stop(0)


def service_updates(cloud, host="h1"):
    return [e.body for e in cloud.journal.entries(service="compute")
            if e.kind == "compute.service.update"]


def evacuations(cloud):
    return cloud.journal.entries(action="evacuate")


def test_evidence_takes_the_fast_path(cloud, run):
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    status, _, messages = run(fakes.STOPPED_FENCED)
    assert status == "finished"
    assert service_updates(cloud)[0] == {"forced_down": True}
    assert cloud.get_server(vm.id).host != "h1"
    assert any("proven powered off by the monitor's evidence "
               "(stonith-history" in m for m in messages)


def test_normal_without_evidence_is_never_forced_down(cloud, run):
    """A consul/kubernetes-style report: NORMAL, no proof. The host died,
    so Nova reports it down by itself and the recovery goes on."""
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    status, _, messages = run(NOT_PROVEN)
    assert status == "finished"
    assert all(not body.get("forced_down") for body in service_updates(cloud))
    assert cloud.get_server(vm.id).host != "h1"
    assert any("No evidence that host 'h1' is powered off" in m
               for m in messages)


def test_partitioned_host_without_evidence_is_not_duplicated(cloud, run):
    """The host only lost its monitor: Nova still sees it up. Nothing may
    run twice: no forced_down, and Nova refuses every evacuation."""
    vm = cloud.add_server("h1", metadata=HA)
    status, _, _ = run(NOT_PROVEN)
    assert status == "error"
    assert all(not body.get("forced_down") for body in service_updates(cloud))
    assert cloud.get_server(vm.id).host == "h1"
    assert all(e.status >= 400 for e in evacuations(cloud))


def test_required_without_proof_evacuates_nothing(cloud, run, conf):
    conf.set_override("mode", "required", group="fencing")
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    status, row, messages = run(NOT_PROVEN)
    assert status == "error"
    assert "was not proven powered off" in row.message
    assert service_updates(cloud) == [] and evacuations(cloud) == []
    assert cloud.get_server(vm.id).host == "h1"
    assert any("[fencing] mode is required, so nothing is evacuated" in m
               for m in messages)


def test_required_with_evidence_recovers(cloud, run, conf):
    conf.set_override("mode", "required", group="fencing")
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    status, _, _ = run(fakes.STOPPED_FENCED)
    assert status == "finished"
    assert cloud.get_server(vm.id).host != "h1"


@pytest.mark.parametrize("mode", ["evidence", "required"])
def test_engine_fences_a_live_host_then_recovers(cloud, run, conf, mode,
                                                 make_fencer):
    """No proof in the report; the host is still up. The engine's fence
    device powers it off, then the fast path runs."""
    conf.set_override("mode", mode, group="fencing")
    vm = cloud.add_server("h1", metadata=HA)
    status, _, messages = run(NOT_PROVEN, fencer=make_fencer())
    assert status == "finished"
    assert service_updates(cloud)[0] == {"forced_down": True}
    assert cloud.get_server(vm.id).host != "h1"
    records = [m for m in messages if m.startswith("Fencing of host 'h1'")]
    assert len(records) == 1 and ": off after" in records[0]
    assert "s3cret" not in json.dumps(messages)
    # The engine's Prometheus counters saw the fence, the evacuation and
    # the final status.
    exposed = run.managers[-1].metrics.exposition().decode()
    assert 'result="off"} 1.0' in exposed
    assert ('masakari_evacuations_total{result="succeeded"} 1.0'
            in exposed)
    assert ('masakari_notifications_total{status="finished",'
            'type="COMPUTE_HOST"} 1.0') in exposed
    assert "masakari_engine_queue_depth 0.0" in exposed


def test_escalation_record_per_device(cloud, run, conf, make_fencer):
    conf.set_override("mode", "required", group="fencing")
    vm = cloud.add_server("h1", metadata=HA)
    status, _, messages = run(NOT_PROVEN, fencer=make_fencer(refuse_first=True))
    assert status == "finished"
    records = [m for m in messages if m.startswith("Fencing of host 'h1'")]
    assert len(records) == 2
    assert ": off after" not in records[0] and ": off after" in records[1]
    assert cloud.get_server(vm.id).host != "h1"


def test_unknown_report_is_recovered_only_by_a_fencing_engine(
        cloud, run, make_fencer):
    vm = cloud.add_server("h1", metadata=HA)
    status, _, _ = run(UNKNOWN)
    assert status == "ignored" and service_updates(cloud) == []
    status, _, _ = run(dict(UNKNOWN, cluster_status="ONLINE"),
                       fencer=make_fencer())
    assert status == "finished"
    assert cloud.get_server(vm.id).host != "h1"


def test_trust_monitor_forces_down_on_normal(cloud, run, conf):
    conf.set_override("mode", "trust_monitor", group="fencing")
    cloud.kill_host("h1")
    status, _, _ = run(NOT_PROVEN)
    assert status == "finished"
    assert service_updates(cloud)[0] == {"forced_down": True}


def test_mass_failure_breaker_stops_before_any_nova_call(cloud, run):
    for name in ("h1", "h2", "h3"):
        cloud.add_server(name, metadata=HA)
        cloud.kill_host(name)
    assert run(fakes.STOPPED_FENCED, host="h1")[0] == "finished"
    assert run(fakes.STOPPED_FENCED, host="h2")[0] == "finished"
    before = len(cloud.journal.entries(service="compute"))
    status, row, messages = run(fakes.STOPPED_FENCED, host="h3")
    assert status == "error"
    assert "3 of the segment's 4 hosts failed" in row.message
    assert "max_failed_hosts_percent (50%)" in row.message
    assert any(m.startswith("Safety gate closed") for m in messages)
    assert len(cloud.journal.entries(service="compute")) == before


def test_per_window_cap(cloud, run, conf):
    conf.set_override("max_host_failures_per_window", 1, group="fencing")
    for name in ("h1", "h2"):
        cloud.add_server(name, metadata=HA)
        cloud.kill_host(name)
    assert run(fakes.STOPPED_FENCED, host="h1")[0] == "finished"
    status, row, _ = run(fakes.STOPPED_FENCED, host="h2")
    assert status == "error" and "max_host_failures_per_window (1)" in \
        row.message


def test_gates_can_be_switched_off(cloud, run, conf):
    conf.set_override("safety_gates", False, group="fencing")
    for name in ("h1", "h2", "h3"):
        cloud.add_server(name, metadata=HA)
        cloud.kill_host(name)
    assert [run(fakes.STOPPED_FENCED, host=h)[0]
            for h in ("h1", "h2", "h3")] == ["finished"] * 3


def test_bad_fencing_file_stops_the_engine_at_start(conf, tmp_path):
    path = tmp_path / "fencing.yaml"
    path.write_text("hosts:\n  h1:\n    - driver: ipmi\n      address: a\n"
                    "      username: u\n      password: hunter2\n")
    conf.set_override("config_file", str(path), group="fencing")
    with pytest.raises(ValueError) as err:
        app_mod.EngineApp.build(conf)
    assert "password" in str(err.value) and "hunter2" not in str(err.value)
    assert os.path.basename(str(path)) in str(err.value)
