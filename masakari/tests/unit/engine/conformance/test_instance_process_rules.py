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

"""Instance and process failure recovery as upstream does them, and the
progress details of both, against FakeNova with a FakeClock."""

import pytest

from masakari import exception
from masakari.engine import exceptions
from masakari.tests.unit.engine import fakes

NOTIF = "44444444-2222-3333-4444-555555555555"


def run_vm(driver, runtime, sid, host="h1"):
    driver.execute_instance_failure(None, sid, NOTIF, host_name=host, runtime=runtime)


def calls(nova):
    return [j[0] for j in nova.mutations()]


# Outcome per vm_state, with our deliberate differences: the instance is
# locked during recovery and a resized instance is stopped and started without the reset to active.
# (vm_state, expected outcome exception or None, mutating calls, end vm_state)
VM_OUTCOMES = [
    ("active", None, ["lock_server", "stop_server", "start_server", "unlock_server"],
     "active"),
    ("error", None, ["lock_server", "stop_server", "start_server", "unlock_server"],
     "active"),
    ("stopped", None, ["lock_server", "start_server", "unlock_server"], "active"),
    ("resized", None, ["lock_server", "stop_server", "start_server", "unlock_server"],
     "active"),
    ("paused", exceptions.IgnoreInstanceRecoveryException, [], "paused"),
    ("rescued", exceptions.IgnoreInstanceRecoveryException, [], "rescued"),
    ("suspended", exception.MasakariException,
     ["lock_server", "stop_server", "unlock_server"], "suspended"),
    ("shelved", exception.MasakariException,
     ["lock_server", "stop_server", "unlock_server"], "shelved"),
]


@pytest.mark.parametrize("vm_state,raises,expected,end_state", VM_OUTCOMES)
def test_instance_vm_state_outcomes(driver, nova, runtime, vm_state, raises, expected,
                                    end_state):
    nova.add_host("h1")
    sid = nova.add_server("h1", vm_state=vm_state)
    if raises is None:
        run_vm(driver, runtime, sid)
    else:
        with pytest.raises(raises):
            run_vm(driver, runtime, sid)
    assert calls(nova) == expected
    assert "reset_state" not in calls(nova)
    assert nova.servers[sid][fakes.VM] == end_state
    assert nova.servers[sid]["locked"] is False


def test_already_locked_instance_is_not_unlocked(driver, nova, runtime):
    nova.add_host("h1")
    sid = nova.add_server("h1", locked=True)
    run_vm(driver, runtime, sid)
    assert calls(nova) == ["stop_server", "start_server"]
    assert nova.servers[sid]["locked"] is True


@pytest.mark.parametrize("process_all,metadata,key,recovered", [
    (False, {"HA_Enabled": "True"}, None, True),
    (False, {"HA_Enabled": "yes"}, None, True),
    (False, {"HA_Enabled": "False"}, None, False),
    (False, {}, None, False),
    (True, {}, None, True),
    (False, {"watch": "1"}, "watch", True),
    (False, {"HA_Enabled": "True"}, "watch", False),
])
def test_instance_ha_selection(driver, nova, runtime, conf, process_all, metadata, key,
                               recovered):
    conf.set_override("process_all_instances", process_all, group="instance_failure")
    if key:
        conf.set_override("ha_enabled_instance_metadata_key", key, group="instance_failure")
    nova.add_host("h1")
    sid = nova.add_server("h1", vm_state="error")
    nova.servers[sid]["metadata"] = metadata
    if recovered:
        run_vm(driver, runtime, sid)
        assert nova.servers[sid][fakes.VM] == "active"
    else:
        with pytest.raises(exceptions.SkipInstanceRecoveryException):
            run_vm(driver, runtime, sid)
        assert calls(nova) == []


def test_stop_409_but_already_stopped_continues(driver, nova, runtime):
    """StopInstanceTask step 4: on 409 re-read; stopped -> continue."""
    from masakari.compute import exceptions as cexc
    nova.add_host("h1")
    sid = nova.add_server("h1")
    real_stop = nova.stop_server

    def stop_then_conflict(context, server_id):
        real_stop(context, server_id)
        raise cexc.ComputeConflict(method="POST", url=server_id, reason="HTTP 409")
    nova.stop_server = stop_then_conflict
    run_vm(driver, runtime, sid)
    assert nova.servers[sid][fakes.VM] == "active"


@pytest.mark.parametrize("broken,option", [
    ("stop_server", "wait_period_after_power_off"),
    ("start_server", "wait_period_after_power_on"),
])
def test_instance_confirm_timeouts(driver, nova, runtime, clock, conf, broken, option):
    """A state that never arrives ends in InstanceRecoveryFailureException
    after the option's deadline (virtual time), and the instance is unlocked."""
    nova.add_host("h1")
    sid = nova.add_server("h1")
    if broken == "start_server":
        # start accepted but the guest never becomes active
        def start(context, server_id):
            nova.journal.append(("start_server", server_id))
            nova.servers[server_id][fakes.VM] = "stopped"
        nova.start_server = start
    else:
        def stop(context, server_id):
            nova.journal.append(("stop_server", server_id))
        nova.stop_server = stop
    conf.set_override(option, 7)
    before = clock.monotonic()
    with pytest.raises(exceptions.InstanceRecoveryFailureException):
        run_vm(driver, runtime, sid)
    waited = clock.monotonic() - before
    assert 7 <= waited < 7 + 2 * conf.verify_interval + 1
    assert nova.servers[sid]["locked"] is False


def test_instance_progress_details(driver, nova, runtime):
    nova.add_host("h1")
    sid = nova.add_server("h1")
    run_vm(driver, runtime, sid)
    details = driver.get_notification_recovery_workflow_details(None, NOTIF)
    assert [d["name"] for d in details] == ["StopInstanceTask", "StartInstanceTask",
                                            "ConfirmInstanceActiveTask"]
    assert all(d["state"] == "SUCCESS" and d["progress"] == 1.0 for d in details)


def test_instance_skip_records_progress(driver, nova, runtime):
    """StopInstanceTask: 1.0 'skipped' when not HA-enabled."""
    nova.add_host("h1")
    sid = nova.add_server("h1", ha=False)
    with pytest.raises(exceptions.SkipInstanceRecoveryException):
        run_vm(driver, runtime, sid)
    details = driver.get_notification_recovery_workflow_details(None, NOTIF)
    assert details and details[0]["name"] == "StopInstanceTask"
    assert details[0]["progress_details"][-1]["progress"] == "1.0"


def test_process_progress_details(driver, nova, runtime):
    nova.add_host("h1")
    driver.execute_process_failure(None, "nova-compute", "h1", NOTIF, runtime=runtime)
    details = driver.get_notification_recovery_workflow_details(None, NOTIF)
    assert [d["name"] for d in details] == ["DisableComputeNodeTask",
                                            "ConfirmComputeNodeDisabledTask"]
    assert all(d["state"] == "SUCCESS" and d["progress"] == 1.0 for d in details)


@pytest.mark.parametrize("reason,expected", [
    ("Masakari detected process failed.", "Masakari detected process failed."),
    ("nova-compute died", "nova-compute died"),
])
def test_process_disable_reason(driver, nova, runtime, conf, reason, expected):
    conf.set_override("service_disable_reason", reason, group="process_failure")
    nova.add_host("h1")
    driver.execute_process_failure(None, "nova-compute", "h1", NOTIF, runtime=runtime)
    assert nova.mutations() == [("disable_service", "h1", expected)]


def test_process_unknown_host_is_an_error_not_a_crash(driver, nova, runtime):
    """No nova-compute service for the host -> an error outcome."""
    nova.add_host("h1")
    with pytest.raises(exception.MasakariException):
        driver.execute_process_failure(None, "nova-compute", "h9", NOTIF, runtime=runtime)
    assert nova.mutations() == []


def test_process_confirm_deadline(driver, nova, runtime, clock, conf):
    nova.add_host("h1")
    nova.disable_service = lambda *a, **k: {}
    conf.set_override("wait_period_after_service_update", 9)
    before = clock.monotonic()
    with pytest.raises(exceptions.ProcessRecoveryFailureException):
        driver.execute_process_failure(None, "nova-compute", "h1", NOTIF, runtime=runtime)
    assert 9 <= clock.monotonic() - before < 9 + 2 * conf.verify_interval + 1
