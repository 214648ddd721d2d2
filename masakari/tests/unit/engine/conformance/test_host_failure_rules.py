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

"""Host failure flows as upstream runs them against FakeNova,
asserting the journal of Nova calls, vmove records and progress details."""

import datetime
import re

import pytest

from masakari import exception
from masakari.engine import exceptions
from masakari.tests.unit.engine import fakes

NOTIF = "33333333-2222-3333-4444-555555555555"


class Ctx:
    global_id = None


def run_host(driver, runtime, method="auto", reserved=None, fenced=True):
    driver.execute_host_failure(Ctx(), "h1", method, NOTIF, runtime=runtime, fenced=fenced,
                                reserved_host_list=reserved)
    return [name for name, reserved in runtime.store.reserved_changes if not reserved]


def hosts(nova, names=("h1", "h2")):
    for name in names:
        nova.add_host(name)


def calls_for(nova, sid):
    return [j[0] for j in nova.mutations() if len(j) > 1 and j[1] == sid]


# "Expected end states": rows not pinned by test_host_failure.py.
# (vm_state, task_state, power_state, mutating calls, end vm_state)
STATE_ROWS = [
    ("error", "rebuilding", 1,
     ["lock_server", "reset_state", "evacuate", "stop_server", "reset_state",
      "unlock_server"], "error"),
    ("suspended", None, 7,
     ["lock_server", "reset_state", "evacuate", "stop_server", "unlock_server"], "stopped"),
    ("shelved", None, 4,
     ["lock_server", "reset_state", "evacuate", "stop_server", "unlock_server"], "stopped"),
    ("rescued", None, 1,
     ["lock_server", "reset_state", "evacuate", "stop_server", "unlock_server"], "stopped"),
    ("soft-delete", None, 4,
     ["lock_server", "reset_state", "evacuate", "stop_server", "unlock_server"], "stopped"),
    ("building", "spawning", 0,
     ["lock_server", "reset_state", "evacuate", "stop_server", "unlock_server"], "stopped"),
    ("resized", "resize_finish", 1,
     ["lock_server", "reset_state", "evacuate", "unlock_server"], "active"),
]


@pytest.mark.parametrize("vm_state,task_state,power,expected,end_state", STATE_ROWS)
def test_vm_state_table_remaining_rows(driver, nova, runtime, vm_state, task_state, power,
                                       expected, end_state):
    hosts(nova)
    sid = nova.add_server("h1", vm_state=vm_state, task_state=task_state, power_state=power)
    run_host(driver, runtime)
    assert calls_for(nova, sid) == expected
    assert nova.servers[sid][fakes.VM] == end_state
    assert nova.servers[sid][fakes.HOST] == "h2"
    assert nova.servers[sid]["locked"] is False
    resets = [j[2] for j in nova.mutations() if j[0] == "reset_state"]
    assert set(resets) <= {"error"}  # host flow only ever resets to error


@pytest.mark.parametrize("vm_state", ["active", "stopped", "error", "paused"])
def test_already_locked_is_neither_locked_nor_unlocked(driver, nova, runtime, vm_state):
    hosts(nova)
    sid = nova.add_server("h1", vm_state=vm_state, locked=True)
    run_host(driver, runtime)
    assert not {"lock_server", "unlock_server"} & set(calls_for(nova, sid))
    assert nova.servers[sid]["locked"] is True


# truthiness of the HA metadata value.
@pytest.mark.parametrize("value,ha", [
    ("1", True), ("t", True), ("True", True), ("TRUE", True), ("on", True), ("On", True),
    ("y", True), ("yes", True), (" yes ", True),
    ("0", False), ("false", False), ("no", False), ("", False), ("off", False),
    ("enabled", False), (None, False),
])
def test_ha_metadata_truthiness(driver, nova, runtime, conf, value, ha):
    conf.set_override("evacuate_all_instances", False, group="host_failure")
    hosts(nova)
    sid = nova.add_server("h1")
    nova.servers[sid]["metadata"] = {} if value is None else {"HA_Enabled": value}
    if ha:
        run_host(driver, runtime)
        assert nova.servers[sid][fakes.HOST] == "h2"
    else:
        with pytest.raises(exceptions.SkipHostRecoveryException):
            run_host(driver, runtime)
        assert "evacuate" not in calls_for(nova, sid)


def test_custom_ha_metadata_key(driver, nova, runtime, conf):
    conf.set_override("evacuate_all_instances", False, group="host_failure")
    conf.set_override("ha_enabled_instance_metadata_key", "protect", group="host_failure")
    hosts(nova)
    default_key = nova.add_server("h1")  # carries HA_Enabled=True only
    custom = nova.add_server("h1", ha=False)
    nova.servers[custom]["metadata"] = {"protect": "yes"}
    run_host(driver, runtime)
    assert nova.servers[custom][fakes.HOST] == "h2"
    assert nova.servers[default_key][fakes.HOST] == "h1"


@pytest.mark.parametrize("ignore,evacuated", [(True, False), (False, True)])
def test_ignore_error_state_applies_to_non_ha_too(driver, nova, runtime, conf, ignore,
                                                  evacuated):
    conf.set_override("ignore_instances_in_error_state", ignore, group="host_failure")
    hosts(nova)
    keep = nova.add_server("h1")
    err = nova.add_server("h1", vm_state="error", ha=False)
    run_host(driver, runtime)
    assert nova.servers[keep][fakes.HOST] == "h2"
    assert (nova.servers[err][fakes.HOST] == "h2") is evacuated


def test_vmove_record_fields(driver, nova, runtime):
    """Fields written for a successful evacuation."""
    hosts(nova)
    sid = nova.add_server("h1", name="web-1")
    run_host(driver, runtime)
    (vmove,) = runtime.store.vmoves.values()
    assert vmove.notification_uuid == NOTIF
    assert vmove.instance_uuid == sid
    assert vmove.instance_name == "web-1"
    assert vmove.source_host == "h1"
    assert vmove.type == "evacuation"
    assert vmove.status == "succeeded"
    assert vmove.dest_host == nova.servers[sid][fakes.NODE]
    assert isinstance(vmove.start_time, datetime.datetime)
    assert isinstance(vmove.end_time, datetime.datetime)
    assert vmove.start_time <= vmove.end_time


def test_failed_vmove_has_message_and_end_time(driver, nova, runtime):
    hosts(nova)
    nova.services["h2"]["status"] = "disabled"  # nowhere to go: NoValidHost -> error
    sid = nova.add_server("h1")
    with pytest.raises(exceptions.HostRecoveryFailureException) as err:
        run_host(driver, runtime)
    assert sid in str(err.value)
    (vmove,) = runtime.store.vmoves.values()
    assert vmove.status == "failed" and vmove.message
    assert vmove.end_time is not None
    assert nova.servers[sid]["locked"] is False


def test_no_ignored_status_written_by_engine(driver, nova, runtime, conf):
    conf.set_override("ignore_instances_in_error_state", True, group="host_failure")
    hosts(nova)
    nova.add_server("h1", vm_state="error")
    nova.add_server("h1")
    run_host(driver, runtime)
    assert [v.status for v in runtime.store.vmoves.values()] == ["succeeded"]


@pytest.mark.parametrize("reason,expected", [
    ("Masakari detected host failed.", "Masakari detected host failed."),
    ("fenced by pacemaker", "fenced by pacemaker"),
    ("", ""),
])
def test_service_disable_reason(driver, nova, runtime, conf, reason, expected):
    """The disable reason sent; the wire body for an empty reason is pinned
    in test_nova_wire."""
    conf.set_override("service_disable_reason", reason, group="host_failure")
    hosts(nova)
    nova.add_server("h1")
    run_host(driver, runtime)
    disables = [j for j in nova.mutations() if j[0] == "disable_service"]
    assert [(d[0], d[1], d[2] or "") for d in disables] == [("disable_service", "h1",
                                                             expected)]


def test_already_disabled_source_is_not_disabled_again(driver, nova, runtime):
    """Upstream disables unconditionally; we deliberately skip the PUT when the
    service is already disabled (release note engine-skip-redisable): the
    operator's reason is kept and nova-api is not made to wait on an RPC to
    a dead host for a change that changes nothing."""
    hosts(nova)
    nova.services["h1"]["status"] = "disabled"
    nova.add_server("h1")
    run_host(driver, runtime)
    assert not [m for m in nova.mutations() if m[0] == "disable_service"]


@pytest.mark.parametrize("method", ["reserved_host", "rh_priority", "bogus"])
def test_rh_methods_evacuate_to_reserved_host_and_unreserve(driver, nova, runtime, method):
    """An unknown method behaves as rh_priority: reserved host first."""
    hosts(nova, ("h1", "h2", "r1"))
    nova.services["r1"]["status"] = "disabled"
    sid = nova.add_server("h1")
    updated = run_host(driver, runtime, method=method, reserved=["r1"])
    assert nova.servers[sid][fakes.HOST] == "r1"
    assert updated == ["r1"]
    enable_at = nova.mutations().index(("enable_service", "r1"))
    evac_at = [j[0] for j in nova.mutations()].index("evacuate")
    assert enable_at < evac_at
    assert [j for j in nova.journal if j[0] == "evacuate"] == [("evacuate", sid, "r1")]


def test_auto_evacuate_has_no_target(driver, nova, runtime):
    hosts(nova)
    sid = nova.add_server("h1")
    run_host(driver, runtime)
    assert [j for j in nova.journal if j[0] == "evacuate"] == [("evacuate", sid, None)]


@pytest.mark.parametrize("method", ["auto_priority", "rh_priority"])
def test_priority_methods_do_not_fall_back_on_skip(driver, nova, runtime, method):
    """SkipHostRecoveryException is re-raised, no fallback flow."""
    hosts(nova, ("h1", "h2", "r1"))
    with pytest.raises(exceptions.SkipHostRecoveryException):
        run_host(driver, runtime, method=method, reserved=["r1"])
    assert ("enable_service", "r1") not in nova.mutations()
    assert len([j for j in nova.mutations() if j[0] == "disable_service"]) == 1


def test_reserved_host_list_exhausted_raises_last_failure(driver, nova, runtime):
    hosts(nova, ("h1", "r1", "r2"))
    nova.services["r1"]["forced_down"] = True
    nova.services["r2"]["forced_down"] = True
    nova.add_server("h1")
    with pytest.raises(exception.MasakariException):
        run_host(driver, runtime, method="reserved_host", reserved=["r1", "r2"])
    assert not [j for j in nova.journal if j[0] == "evacuate"]


def test_aggregate_conflict_is_tolerated(driver, nova, runtime, conf):
    """409 on add_host is logged and the recovery continues."""
    conf.set_override("add_reserved_host_to_aggregate", True, group="host_failure")
    hosts(nova, ("h1", "r1"))
    nova.aggregates = [{"id": 1, "name": "a", "hosts": ["h1", "r1"]}]
    sid = nova.add_server("h1")
    run_host(driver, runtime, method="reserved_host", reserved=["r1"])
    assert nova.servers[sid][fakes.HOST] == "r1"


def test_aggregates_untouched_by_default(driver, nova, runtime):
    hosts(nova, ("h1", "r1"))
    nova.aggregates = [{"id": 1, "name": "a", "hosts": ["h1"]}]
    nova.add_server("h1")
    run_host(driver, runtime, method="reserved_host", reserved=["r1"])
    assert not [j for j in nova.journal if "aggregate" in j[0]]


# str(datetime) form, as upstream: the fraction is omitted when it is zero.
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$")


@pytest.mark.parametrize("method,reserved,names", [
    ("auto", None, ["DisableComputeServiceTask", "PrepareHAEnabledInstancesTask",
                    "EvacuateInstancesTask"]),
    ("reserved_host", ["r1"], ["DisableComputeServiceTask",
                               "PrepareHAEnabledInstancesTask", "EvacuateInstancesTask"]),
])
def test_progress_details_shape(driver, nova, runtime, method, reserved, names):
    """One entry per task with details, in task-list order."""
    hosts(nova, ("h1", "h2", "r1"))
    nova.add_server("h1")
    run_host(driver, runtime, method=method, reserved=reserved)
    details = driver.get_notification_recovery_workflow_details(None, NOTIF)
    assert [d["name"] for d in details] == names
    for detail in details:
        assert set(detail) == {"name", "progress", "progress_details", "state"}
        assert detail["state"] == "SUCCESS"
        assert isinstance(detail["progress"], float) and detail["progress"] == 1.0
        progresses = [float(e["progress"]) for e in detail["progress_details"]]
        assert progresses == sorted(progresses)
        assert progresses[0] == 0.0 and progresses[-1] == 1.0
        for entry in detail["progress_details"]:
            assert set(entry) == {"timestamp", "progress", "message"}
            assert all(isinstance(v, str) for v in entry.values())
            assert TIMESTAMP.match(entry["timestamp"])
            assert entry["message"]


def test_progress_details_of_failed_run(driver, nova, runtime):
    hosts(nova)
    nova.services["h2"]["status"] = "disabled"
    nova.add_server("h1")
    with pytest.raises(exceptions.HostRecoveryFailureException):
        run_host(driver, runtime)
    details = driver.get_notification_recovery_workflow_details(None, NOTIF)
    states = {d["name"]: d["state"] for d in details}
    # taskflow reverts the whole flow after a failure (upstream shows both states)
    assert set(states) == {"DisableComputeServiceTask", "PrepareHAEnabledInstancesTask",
                           "EvacuateInstancesTask"}
    assert states["EvacuateInstancesTask"] in ("FAILURE", "REVERTED")
    evacuate = [d for d in details if d["name"] == "EvacuateInstancesTask"][0]
    assert evacuate["progress_details"][-1]["progress"] != "1.0" or \
        "fail" in evacuate["progress_details"][-1]["message"].lower()


def test_skip_progress_is_complete(driver, nova, runtime):
    """Prepare records 1.0 'nothing to evacuate' before skipping."""
    hosts(nova)
    with pytest.raises(exceptions.SkipHostRecoveryException):
        run_host(driver, runtime)
    details = driver.get_notification_recovery_workflow_details(None, NOTIF)
    prepare = [d for d in details if d["name"] == "PrepareHAEnabledInstancesTask"]
    assert prepare and prepare[0]["progress_details"][-1]["progress"] == "1.0"
    assert not [d for d in details if d["name"] == "EvacuateInstancesTask"]


@pytest.mark.parametrize("vm_state", ["active", "error", "stopped"])
def test_nothing_touches_an_instance_mid_rebuild(driver, nova, runtime, vm_state):
    """Confirmation needs task_state None and OS-EXT-SRV-ATTR:host moved
    (FakeNova's node names differ from the service host names, the case in
    which upstream confirmed on the first poll)."""
    hosts(nova)
    nova.add_server("h1", vm_state=vm_state)
    seen = []
    for name in ("stop_server", "reset_state", "unlock_server"):
        real = getattr(nova, name)

        def spy(context, server_id, *args, _real=real, _name=name):
            if any(j[0] == "evacuate" for j in nova.journal):
                server = nova.servers[server_id]
                seen.append((_name, server[fakes.TASK], server[fakes.HOST]))
            return _real(context, server_id, *args)
        setattr(nova, name, spy)
    run_host(driver, runtime)
    assert seen and all(task is None and host == "h2" for _, task, host in seen)


def test_dest_host_is_the_new_node(driver, nova, runtime):
    hosts(nova)
    sid = nova.add_server("h1")
    run_host(driver, runtime)
    (vmove,) = runtime.store.vmoves.values()
    assert vmove.dest_host == "h2.node" == nova.servers[sid][fakes.NODE]
