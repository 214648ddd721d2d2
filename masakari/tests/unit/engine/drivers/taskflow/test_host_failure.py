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

import pytest

from masakari.engine import exceptions
from masakari.engine.drivers import taskflow as tf_driver
from masakari.tests.unit.engine import fakes

NOTIF = "11111111-2222-3333-4444-555555555555"


class Ctx:
    global_id = None


@pytest.fixture
def driver(conf, nova):
    return tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")


def run_host(driver, runtime, method="auto", reserved=None, fenced=True, updated=None):
    driver.execute_host_failure(Ctx(), "h1", method, NOTIF, runtime=runtime, fenced=fenced,
                                reserved_host_list=reserved)
    if updated is not None:
        updated.extend(name for name, reserved in runtime.store.reserved_changes
                       if not reserved)


def cloud(nova, hosts=("h1", "h2")):
    for host in hosts:
        nova.add_host(host)


def test_fenced_host_forced_down_before_disable_then_evacuated(driver, nova, runtime, clock):
    cloud(nova)
    a = nova.add_server("h1")
    b = nova.add_server("h1", ha=False)
    run_host(driver, runtime)
    calls = nova.mutations()
    assert calls[:2] == [("set_forced_down", "h1", True),
                         ("disable_service", "h1", "Masakari detected host failed.")]
    for sid in (a, b):
        mine = [c[0] for c in calls[2:] if c[1] == sid]
        assert mine == ["lock_server", "evacuate", "unlock_server"]
    assert len(calls) == 8
    for sid in (a, b):
        assert nova.servers[sid][fakes.HOST] == "h2"
        assert nova.servers[sid]["locked"] is False
    statuses = {v.instance_uuid: v.status for v in runtime.store.vmoves.values()}
    assert statuses == {a: "succeeded", b: "succeeded"}
    # No fixed sleep: only polling rounds of verify_interval while rebuilding.
    assert sum(clock.slept) <= nova.rebuild_time + 2


def test_unfenced_host_waits_until_nova_reports_down(driver, nova, runtime, clock, conf):
    cloud(nova)
    nova.kill_host("h1")
    nova.add_server("h1")
    run_host(driver, runtime, fenced=False)
    assert ("set_forced_down", "h1", True) not in nova.journal
    assert nova.down_after <= sum(clock.slept) < conf.wait_period_after_service_update


def test_force_down_disabled_by_option(driver, nova, runtime, conf):
    conf.set_override("force_down_fenced_host", False, group="host_failure")
    cloud(nova)
    nova.kill_host("h1")
    nova.add_server("h1")
    run_host(driver, runtime)
    assert not [j for j in nova.journal if j[0] == "set_forced_down"]


def test_no_instances_skips(driver, nova, runtime):
    cloud(nova)
    with pytest.raises(exceptions.SkipHostRecoveryException):
        run_host(driver, runtime)


def test_ha_enabled_first_and_only_ha_when_not_all(driver, nova, runtime, conf):
    cloud(nova)
    plain = nova.add_server("h1", ha=False)
    ha = nova.add_server("h1", ha=True)
    conf.set_override("host_failure_recovery_threads", 1)
    run_host(driver, runtime)
    evacuated = [j[1] for j in nova.journal if j[0] == "evacuate"]
    assert evacuated == [ha, plain]


def test_evacuate_all_false_leaves_non_ha(driver, nova, runtime, conf):
    conf.set_override("evacuate_all_instances", False, group="host_failure")
    cloud(nova)
    plain = nova.add_server("h1", ha=False)
    ha = nova.add_server("h1", ha=True)
    run_host(driver, runtime)
    assert nova.servers[plain][fakes.HOST] == "h1"
    assert nova.servers[ha][fakes.HOST] == "h2"


def test_ignore_error_instances(driver, nova, runtime, conf):
    conf.set_override("ignore_instances_in_error_state", True, group="host_failure")
    cloud(nova)
    nova.add_server("h1", vm_state="error")
    with pytest.raises(exceptions.SkipHostRecoveryException):
        run_host(driver, runtime)


@pytest.mark.parametrize("vm_state,task_state,power,expected,end_state", [
    ("active", None, 1, ["lock_server", "evacuate", "unlock_server"], "active"),
    ("active", "spawning", 1, ["lock_server", "reset_state", "evacuate", "unlock_server"],
     "active"),
    ("stopped", None, 4, ["lock_server", "evacuate", "unlock_server"], "stopped"),
    ("stopped", "powering-on", 4,
     ["lock_server", "reset_state", "evacuate", "stop_server", "unlock_server"], "stopped"),
    ("error", None, 1,
     ["lock_server", "evacuate", "stop_server", "reset_state", "unlock_server"], "error"),
    ("resized", None, 1, ["lock_server", "reset_state", "evacuate", "unlock_server"],
     "active"),
    ("resized", None, 4,
     ["lock_server", "reset_state", "evacuate", "stop_server", "unlock_server"], "stopped"),
    ("paused", None, 3,
     ["lock_server", "reset_state", "evacuate", "stop_server", "unlock_server"], "stopped"),
])
def test_vm_state_cases(driver, nova, runtime, vm_state, task_state, power, expected,
                        end_state):
    cloud(nova)
    sid = nova.add_server("h1", vm_state=vm_state, task_state=task_state, power_state=power)
    run_host(driver, runtime)
    calls = [j[0] for j in nova.mutations() if len(j) > 1 and j[1] == sid]
    assert calls == expected
    assert nova.servers[sid][fakes.VM] == end_state
    assert nova.servers[sid][fakes.HOST] == "h2"


def test_already_locked_instance_stays_locked(driver, nova, runtime):
    cloud(nova)
    sid = nova.add_server("h1", locked=True)
    run_host(driver, runtime)
    assert [j[0] for j in nova.mutations() if j[1] == sid] == ["evacuate"]
    assert nova.servers[sid]["locked"] is True


def test_no_valid_host_fails_vmove_and_notification(driver, nova, runtime):
    nova.add_host("h1")
    sid = nova.add_server("h1")
    with pytest.raises(exceptions.HostRecoveryFailureException) as err:
        run_host(driver, runtime)
    assert sid in str(err.value)
    vmove = next(iter(runtime.store.vmoves.values()))
    assert vmove.status == "failed"
    assert "error state" in vmove.message
    assert nova.servers[sid]["locked"] is False


def test_evacuate_conflict_fails_only_that_instance(driver, nova, runtime):
    cloud(nova)
    bad = nova.add_server("h1")
    good = nova.add_server("h1")
    from masakari.compute import exceptions as cexc
    nova.fail("evacuate", bad, cexc.ComputeConflict(method="POST", url="x", reason="HTTP 409"))
    with pytest.raises(exceptions.HostRecoveryFailureException):
        run_host(driver, runtime)
    by_instance = {v.instance_uuid: v for v in runtime.store.vmoves.values()}
    assert by_instance[bad].status == "failed"
    assert "409" in by_instance[bad].message
    assert by_instance[good].status == "succeeded"


def test_get_server_error_before_evacuation_is_a_failed_vmove(driver, nova, runtime):
    cloud(nova)
    sid = nova.add_server("h1")
    from masakari.compute import exceptions as cexc
    nova.fail("get_server", sid, cexc.ComputeUnavailable(method="GET", url="x",
                                                         reason="HTTP 503"))
    with pytest.raises(exceptions.HostRecoveryFailureException):
        run_host(driver, runtime)
    assert [v.status for v in runtime.store.vmoves.values()] == ["failed"]


def test_retry_judges_only_its_own_attempt_and_skips_evacuated(driver, nova, runtime):
    cloud(nova)
    bad = nova.add_server("h1")
    good = nova.add_server("h1")
    from masakari.compute import exceptions as cexc
    nova.fail("evacuate", bad, cexc.ComputeUnavailable(method="POST", url="x",
                                                       reason="HTTP 503"))
    with pytest.raises(exceptions.HostRecoveryFailureException):
        run_host(driver, runtime)
    nova.journal.clear()
    run_host(driver, runtime)  # the retry succeeds despite the old failed vmove
    assert [j for j in nova.journal if j[0] == "evacuate"] == [("evacuate", bad, None)]
    assert nova.servers[good][fakes.HOST] == "h2"


def test_slow_rebuild_times_out(driver, nova, runtime, conf):
    cloud(nova)
    nova.rebuild_time = conf.wait_period_after_evacuation + 50
    nova.add_server("h1")
    with pytest.raises(exceptions.HostRecoveryFailureException):
        run_host(driver, runtime)
    vmove = next(iter(runtime.store.vmoves.values()))
    assert vmove.status == "failed" and "Timed out" in vmove.message


def test_batched_polling_one_request_per_round(driver, nova, runtime, conf):
    cloud(nova)
    for _ in range(10):
        nova.add_server("h1")
    run_host(driver, runtime)
    rounds = [j for j in nova.journal if j[0] == "list_servers_batch"]
    # Polling each server separately would need about
    # 10 servers * rebuild_time / poll interval = 40 requests.
    per_server = 10 * nova.rebuild_time / conf.evacuation_poll_interval
    assert rounds and len(rounds) < per_server / 2
    assert max(r[1] for r in rounds) > 1
    assert all(v.status == "succeeded" for v in runtime.store.vmoves.values())


def test_reserved_host(driver, nova, runtime):
    cloud(nova, ("h1", "r1", "h3"))
    nova.services["r1"]["status"] = "disabled"
    sid = nova.add_server("h1")
    updated = []
    run_host(driver, runtime, method="reserved_host", reserved=["r1"], updated=updated)
    assert ("enable_service", "r1") in nova.journal
    assert ("evacuate", sid, "r1") in nova.journal
    assert nova.servers[sid][fakes.HOST] == "r1"
    assert updated == ["r1"]


def test_reserved_host_list_exhausted_and_empty(driver, nova, runtime):
    cloud(nova)
    with pytest.raises(exceptions.ReservedHostsUnavailable):
        run_host(driver, runtime, method="reserved_host", reserved=[])
    assert nova.journal == []


def test_reserved_host_down_moves_to_next(driver, nova, runtime):
    cloud(nova, ("h1", "r1", "r2"))
    nova.services["r1"]["forced_down"] = True
    sid = nova.add_server("h1")
    run_host(driver, runtime, method="reserved_host", reserved=["r1", "r2"])
    assert nova.servers[sid][fakes.HOST] == "r2"


def test_reserved_host_aggregates(driver, nova, runtime, conf):
    conf.set_override("add_reserved_host_to_aggregate", True, group="host_failure")
    cloud(nova, ("h1", "r1"))
    nova.aggregates = [{"id": 1, "name": "a", "hosts": ["h1"]},
                       {"id": 2, "name": "b", "hosts": ["h9"]}]
    nova.add_server("h1")
    run_host(driver, runtime, method="reserved_host", reserved=["r1"])
    assert [j for j in nova.journal if j[0] == "add_host_to_aggregate"] == [
        ("add_host_to_aggregate", 1, "r1")]


def test_auto_priority_falls_back_to_reserved_host(driver, nova, runtime):
    nova.add_host("h1")
    nova.add_host("r1", status="disabled")
    sid = nova.add_server("h1")
    run_host(driver, runtime, method="auto_priority", reserved=["r1"])
    assert nova.servers[sid][fakes.HOST] == "r1"
    statuses = sorted(v.status for v in runtime.store.vmoves.values())
    assert statuses == ["failed", "succeeded"]


def test_rh_priority_without_reserved_hosts_uses_auto(driver, nova, runtime):
    cloud(nova)
    sid = nova.add_server("h1")
    run_host(driver, runtime, method="rh_priority", reserved=[])
    assert nova.servers[sid][fakes.HOST] == "h2"


def test_details_are_recorded_per_run(driver, nova, runtime):
    cloud(nova)
    nova.add_server("h1")
    run_host(driver, runtime)
    details = driver.get_notification_recovery_workflow_details(None, NOTIF)
    assert [d["name"] for d in details] == ["DisableComputeServiceTask",
                                            "PrepareHAEnabledInstancesTask",
                                            "EvacuateInstancesTask"]
    assert all(d["state"] == "SUCCESS" and d["progress"] == 1.0 for d in details)
    first = details[0]["progress_details"][0]
    assert set(first) == {"timestamp", "progress", "message"}
    assert first["progress"] == "0.0"


def test_details_of_unknown_notification_is_empty(driver):
    assert driver.get_notification_recovery_workflow_details(None, "nope") == []


def test_evacuate_timeout_after_nova_accepted_is_confirmed(driver, nova, runtime):
    from masakari.compute import exceptions as cexc
    cloud(nova)
    sid = nova.add_server("h1")
    original = nova.evacuate

    def accepted_then_timed_out(context, server_id, host=None):
        original(context, server_id, host)
        raise cexc.ComputeUnavailable(method="POST", url="x", reason="timed out")
    nova.evacuate = accepted_then_timed_out
    run_host(driver, runtime)
    assert nova.servers[sid][fakes.HOST] == "h2"
    assert [v.status for v in runtime.store.vmoves.values()] == ["succeeded"]
    assert [j for j in nova.journal if j[0] == "evacuate"] == [("evacuate", sid, None)]


def test_evacuate_timeout_not_accepted_fails(driver, nova, runtime):
    from masakari.compute import exceptions as cexc
    cloud(nova)
    nova.add_server("h1")

    def refused(context, server_id, host=None):
        raise cexc.ComputeUnavailable(method="POST", url="x", reason="timed out")
    nova.evacuate = refused
    with pytest.raises(exceptions.HostRecoveryFailureException):
        run_host(driver, runtime)


def test_vmoves_created_in_one_call_when_the_db_api_allows(driver, nova, runtime):
    calls = []

    def create_many(values_list):
        calls.append(len(values_list))
        return [runtime.store.vmove_create(v) for v in values_list]
    runtime.store.vmove_create_many = create_many
    cloud(nova)
    for _ in range(3):
        nova.add_server("h1")
    run_host(driver, runtime)
    assert calls == [3]
    assert sorted(v.status for v in runtime.store.vmoves.values()) == ["succeeded"] * 3


def test_evacuations_marked_started_in_bulk_from_one_listing(driver, nova, runtime):
    cloud(nova)
    free = [nova.add_server("h1") for _ in range(2)]
    held = nova.add_server("h1", locked=True)
    original = nova.get_server
    nova.get_server = lambda ctx, sid: nova.journal.append(("GET", sid)) or original(ctx, sid)
    run_host(driver, runtime)
    by_vmove = {v.uuid: v.instance_uuid for v in runtime.store.vmoves.values()}
    groups = {
        values.get("message"): sorted(by_vmove[u] for u in uuids)
        for uuids, values in runtime.store.bulk_updates
    }
    assert groups == {"locked by masakari": sorted(free), None: [held]}
    assert all(v["status"] == "ongoing" for _, v in runtime.store.bulk_updates)
    first_evacuate = min(i for i, j in enumerate(nova.journal) if j[0] == "evacuate")
    assert not [j for j in nova.journal[:first_evacuate] if j[0] == "GET"]
    assert [j[0] for j in nova.mutations() if j[1] == held] == ["evacuate"]
    for sid in free:
        assert [j[0] for j in nova.mutations() if j[1] == sid] == [
            "lock_server", "evacuate", "unlock_server"]
    assert sorted(v.status for v in runtime.store.vmoves.values()) == ["succeeded"] * 3
    assert nova.servers[held]["locked"] is True
    assert not any(nova.servers[s]["locked"] for s in free)


def _count_listings(nova):
    listings = []
    real = nova.get_servers_on_host
    nova.get_servers_on_host = lambda ctx, host: listings.append(host) or real(ctx, host)
    return listings


def test_evacuate_task_reuses_the_listing_of_the_prepare_task(driver, nova, runtime):
    cloud(nova)
    sids = [nova.add_server("h1") for _ in range(3)]
    listings = _count_listings(nova)
    run_host(driver, runtime)
    assert listings == ["h1"]
    assert sorted(v.status for v in runtime.store.vmoves.values()) == ["succeeded"] * 3
    assert all(nova.servers[s][fakes.HOST] == "h2" for s in sids)


def test_old_listing_is_taken_again(driver, nova, runtime, clock):
    from masakari.engine.drivers.taskflow import evacuate

    cloud(nova)
    for _ in range(2):
        nova.add_server("h1")
    listings = _count_listings(nova)
    create = runtime.store.vmove_create

    def slow_create(values):
        clock.advance(evacuate.LISTING_MAX_AGE + 1)
        return create(values)
    runtime.store.vmove_create = slow_create
    run_host(driver, runtime)
    assert listings == ["h1", "h1"]
    assert sorted(v.status for v in runtime.store.vmoves.values()) == ["succeeded"] * 2


@pytest.mark.parametrize("broken", ["db", "listing"])
def test_bulk_start_failure_falls_back_per_instance(driver, nova, runtime, broken,
                                                    monkeypatch):
    cloud(nova)
    sids = [nova.add_server("h1") for _ in range(3)]

    def fail(*args, **kwargs):
        raise RuntimeError("boom")
    if broken == "db":
        runtime.store.vmove_update_many = fail
    else:
        from masakari.engine.drivers.taskflow import evacuate
        monkeypatch.setattr(evacuate.EvacuateInstancesTask, "_recent_listing",
                            lambda self, host, listing: None)   # list again
        nova.get_servers_on_host = lambda ctx, host, _real=nova.get_servers_on_host: (
            _real(ctx, host) if not any(v for v in runtime.store.vmoves.values()) else fail())
    run_host(driver, runtime)
    assert sorted(v.status for v in runtime.store.vmoves.values()) == ["succeeded"] * 3
    assert sorted(j[1] for j in nova.journal if j[0] == "evacuate") == sorted(sids)
    assert all(v.message is None for v in runtime.store.vmoves.values())
    assert not any(nova.servers[s]["locked"] for s in sids)


def test_disable_timing_out_while_nova_thinks_host_up_is_retried_once_down(
        driver, nova, runtime, clock, conf):
    from masakari.compute import exceptions as cexc
    cloud(nova)
    nova.kill_host("h1")
    sid = nova.add_server("h1")
    nova.fail("disable_service", "h1", cexc.ComputeUnavailable(
        method="PUT", url="x", reason="timed out"))
    run_host(driver, runtime, fenced=False)
    disables = [j for j in nova.journal if j[0] == "disable_service"]
    assert len(disables) == 2
    assert nova.services["h1"]["status"] == "disabled"
    assert nova.down_after <= sum(clock.slept)
    assert nova.servers[sid][fakes.HOST] == "h2"


def test_disable_failing_again_after_down_fails_the_recovery(driver, nova, runtime):
    from masakari.compute import exceptions as cexc
    cloud(nova)
    nova.kill_host("h1")
    nova.add_server("h1")
    for _ in range(2):
        nova.fail("disable_service", "h1", cexc.ComputeUnavailable(
            method="PUT", url="x", reason="timed out"))
    with pytest.raises(Exception, match="timed out"):
        run_host(driver, runtime, fenced=False)
    assert not [j for j in nova.journal if j[0] == "evacuate"]
