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
import threading

import pytest

from masakari.engine import lifecycle
from masakari.engine import periodic as periodic_mod
from masakari.engine.drivers import taskflow as tf_driver
from masakari.tests.unit.engine import fakes


class Ctx:
    global_id = None

    def to_dict(self):
        return {}


@pytest.fixture
def cloud(nova):
    for name in ("h1", "h2", "r1"):
        nova.add_host(name)
    return nova


@pytest.fixture
def events():
    return []


@pytest.fixture
def manager(conf, clock, cloud, db, events):
    driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=cloud, backend_url="memory://")

    def emit(context, obj, action, phase, payload, exception=None, binary=None):
        events.append((f"{obj}.{action}.{phase}", payload.get("status"), binary,
                       type(exception).__name__ if exception else None))
    mgr = fakes.make_manager(conf, driver=driver, db=db.api, clock=clock, emit=emit)
    yield mgr
    mgr.stop(0)


def make_segment(db, method="auto", enabled=True):
    segment = db.api.failover_segment_create({
        "name": f"seg-{method}-{enabled}", "service_type": "COMPUTE",
        "recovery_method": method, "enabled": enabled})
    hosts = {}
    for name, reserved in (("h1", False), ("h2", False), ("r1", True)):
        hosts[name] = db.api.host_create({
            "name": name, "type": "COMPUTE", "control_attributes": "SSH",
            "failover_segment_id": segment.uuid, "reserved": reserved,
            "on_maintenance": False})
    return segment, hosts


def make_notification(db, host, type_="COMPUTE_HOST", payload=None, status="new",
                      created_at=None):
    values = {"type": type_, "source_host_uuid": host.uuid, "status": status,
              "generated_time": datetime.datetime(2026, 1, 1),
              "payload": payload or dict(fakes.STOPPED_FENCED)}
    if created_at is not None:
        values["created_at"] = created_at
    return db.api.notification_create(values)


def status(db, notification):
    return db.api.notification_get_by_uuid(notification.notification_uuid).status


def test_host_failure_end_to_end(db, manager, cloud, events, clock):
    _, hosts = make_segment(db)
    sid = cloud.add_server("h1")
    note = make_notification(db, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "finished"
    assert status(db, note) == "finished"
    assert cloud.servers[sid][fakes.HOST] != "h1"
    assert db.api.host_get_by_name("h1").on_maintenance is True
    assert [e[:3] for e in events] == [
        ("notification.process.start", "new", "masakari-engine"),
        ("host.update.start", None, "masakari-engine"),
        ("host.update.end", None, "masakari-engine"),
        ("notification.process.end", "running", "masakari-engine")]
    vmoves = db.api.vmove_get_all_by_filters(filters={"notification_uuid":
                                                      note.notification_uuid})
    assert [v.status for v in vmoves] == ["succeeded"]
    details = manager.get_notification_recovery_workflow_details(Ctx(),
                                                                 note.notification_uuid)
    assert len(details) == 3


def test_claim_is_exclusive(db, manager, cloud):
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"])
    row = db.api.notification_get_by_uuid(note.notification_uuid)
    first = lifecycle.claim(db.api, row, datetime.datetime.utcnow(), 60)
    second = lifecycle.claim(db.api, row, datetime.datetime.utcnow(), 60)
    assert first is not None and first.status == "running"
    assert second is None
    # processing a notification someone else owns does nothing
    assert manager.process(Ctx(), note.notification_uuid) is None
    assert cloud.journal == []


def test_segment_disabled_is_ignored_without_nova_calls(db, manager, cloud, events):
    _, hosts = make_segment(db, enabled=False)
    note = make_notification(db, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "ignored"
    row = db.api.notification_get_by_uuid(note.notification_uuid)
    assert row.message == "Recovery aboart: the segment HA is disabled."
    assert cloud.journal == [] and events == []


@pytest.mark.parametrize("payload,expected", [
    ({"event": "STOPPED"}, "ignored"),
    ({"event": "STOPPED", "host_status": "UNKNOWN"}, "ignored"),
    ({"event": "STARTED", "host_status": "NORMAL"}, "finished"),
])
def test_host_payload_cases(db, manager, cloud, payload, expected):
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"], payload=payload)
    assert manager.process(Ctx(), note.notification_uuid) == expected
    assert cloud.mutations() == []
    assert db.api.host_get_by_name("h1").on_maintenance is False


def test_no_instances_is_finished(db, manager, cloud):
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "finished"


def test_reserved_host_method_uses_and_unreserves_reserved_host(db, manager, cloud):
    _, hosts = make_segment(db, "reserved_host")
    sid = cloud.add_server("h1")
    note = make_notification(db, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "finished"
    assert cloud.servers[sid][fakes.HOST] == "r1"
    assert db.api.host_get_by_name("r1").reserved is False


def test_failed_recovery_is_error_with_error_event(db, manager, cloud, events):
    _, hosts = make_segment(db)
    cloud.services["h2"]["status"] = "disabled"
    cloud.services["r1"]["status"] = "disabled"
    cloud.add_server("h1")
    note = make_notification(db, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "error"
    assert events[-1][0] == "notification.process.error"
    assert events[-1][3] == "HostRecoveryFailureException"
    assert "Failed to evacuate" in db.api.notification_get_by_uuid(
        note.notification_uuid).message


def test_unexpected_exception_ends_in_error(db, manager, cloud):
    _, hosts = make_segment(db)
    cloud.services.pop("h1")  # Nova does not know the host any more
    note = make_notification(db, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "error"


@pytest.mark.parametrize("process_name,expected_maintenance,expected_calls", [
    ("nova-compute", True, [("disable_service", "h1", "Masakari detected process failed.")]),
    ("sshd", False, []),
])
def test_process_failure(db, manager, cloud, process_name, expected_maintenance, expected_calls):
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"], type_="PROCESS",
                             payload={"event": "STOPPED", "process_name": process_name})
    assert manager.process(Ctx(), note.notification_uuid) == "finished"
    assert db.api.host_get_by_name("h1").on_maintenance is expected_maintenance
    assert cloud.mutations() == expected_calls


def vm_payload(sid, event="LIFECYCLE", vir="STOPPED_FAILED"):
    return {"event": event, "vir_domain_event": vir, "instance_uuid": sid}


@pytest.mark.parametrize("event,vir", [
    ("LIFECYCLE", "STOPPED_FAILED"),
    ("QEMU_GUEST_AGENT_ERROR", "STOPPED_FAILED"),
    ("IO_ERROR", "IO_ERROR_REPORT"),
    ("LIFECYCLE", "STOPPED_CRASHED"),
])
def test_instance_failure_recovers_and_unlocks(db, manager, cloud, event, vir):
    _, hosts = make_segment(db)
    sid = cloud.add_server("h1")
    note = make_notification(db, hosts["h1"], type_="VM",
                             payload=vm_payload(sid, event, vir))
    assert manager.process(Ctx(), note.notification_uuid) == "finished"
    assert [j[0] for j in cloud.mutations()] == ["lock_server", "stop_server",
                                                 "start_server", "unlock_server"]


@pytest.mark.parametrize("event,vir", [
    ("LIFECYCLE", "STOPPED_SHUTDOWN"),
    ("LIFECYCLE", "CRASHED_PANICKED"),
    ("LIFECYCLE", "CRASHED_CRASHLOADED"),
    ("LIFECYCLE", "stopped_crashed"),
    ("IO_ERROR", "IO_ERROR_PAUSE"),
])
def test_instance_event_not_mapped_is_ignored(db, manager, cloud, events, event,
                                              vir):
    _, hosts = make_segment(db)
    sid = cloud.add_server("h1")
    note = make_notification(db, hosts["h1"], type_="VM",
                             payload=vm_payload(sid, event, vir))
    assert manager.process(Ctx(), note.notification_uuid) == "ignored"
    assert cloud.journal == []
    assert [e[0] for e in events] == ["notification.process.start"]


@pytest.mark.parametrize("setup,expected,calls", [
    ({"ha": False}, "finished", []),
    ({"vm_state": "paused"}, "ignored", []),
    ({"vm_state": "stopped"}, "finished", ["lock_server", "start_server", "unlock_server"]),
    ({"host": "h2"}, "ignored", []),
    ({"vm_state": "suspended"}, "error", ["lock_server", "stop_server", "unlock_server"]),
])
def test_instance_cases(db, manager, cloud, setup, expected, calls):
    _, hosts = make_segment(db)
    setup = dict(setup)
    host = setup.pop("host", "h1")
    sid = cloud.add_server(host, **setup)
    note = make_notification(db, hosts["h1"], type_="VM", payload=vm_payload(sid))
    assert manager.process(Ctx(), note.notification_uuid) == expected
    assert [j[0] for j in cloud.mutations()] == calls
    assert cloud.servers[sid]["locked"] is False


def test_lost_lease_stops_the_flow_and_keeps_result_out(db, manager, cloud, clock):
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"])
    row = db.api.notification_get_by_uuid(note.notification_uuid)
    claimed = lifecycle.claim(db.api, row, clock.utcnow(), 60)
    lease = manager.leases.add(claimed)
    # another engine takes the row over
    db.api.notification_update(note.notification_uuid, {"updated_at": datetime.datetime(
        2030, 1, 1)}, expected_status="running")
    assert manager.leases.renew(lease) is False
    assert lease.cancel.is_set()
    assert manager.leases.finish(lease, "finished") is False
    assert status(db, note) == "running"


def test_periodic_picks_up_new_retries_errors_and_expires(db, manager, cloud, clock, conf):
    _, hosts = make_segment(db)
    periodic = periodic_mod.Periodic(manager, Ctx)
    now = clock.utcnow()
    old_new = make_notification(db, hosts["h1"], created_at=now - datetime.timedelta(
        seconds=conf.retry_notification_new_status_interval + 5))
    fresh = make_notification(db, hosts["h2"], payload={"event": "STARTED",
                                                        "host_status": "NORMAL"},
                              created_at=now)
    expired = make_notification(db, hosts["h2"], status="error",
                                created_at=now - datetime.timedelta(days=2))
    submitted = periodic.run_once()
    assert submitted == [old_new.notification_uuid]
    assert status(db, expired) == "failed"
    assert status(db, fresh) == "new"


def test_periodic_retry_backoff_then_failed(db, manager, cloud, clock, conf):
    conf.set_override("notification_max_retries", 1)
    _, hosts = make_segment(db)
    cloud.services.pop("h1")
    note = make_notification(db, hosts["h1"], status="error", created_at=clock.utcnow())
    periodic = periodic_mod.Periodic(manager, Ctx)
    assert periodic.run_once() == []          # backoff not over yet
    clock.advance(conf.notification_retry_backoff + 1)
    assert periodic.run_once() == [note.notification_uuid]
    _wait_idle(manager)
    assert status(db, note) == "error"
    clock.advance(conf.notification_retry_backoff * 4 + 1)
    assert periodic.run_once() == []
    assert status(db, note) == "failed"


def test_periodic_resumes_running_with_expired_lease(db, manager, cloud, clock, conf):
    _, hosts = make_segment(db)
    sid = cloud.add_server("h1")
    note = make_notification(db, hosts["h1"], created_at=clock.utcnow())
    db.api.notification_update(note.notification_uuid,
                               {"status": "running",
                                "updated_at": clock.utcnow() - datetime.timedelta(
                                    seconds=conf.notification_lease_period + 5)})
    periodic = periodic_mod.Periodic(manager, Ctx)
    assert periodic.run_once() == [note.notification_uuid]
    _wait_idle(manager)
    assert status(db, note) == "finished"
    assert cloud.servers[sid][fakes.HOST] != "h1"


def test_shutdown_hands_back_interrupted_work(db, manager, cloud, clock, conf):
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"])
    row = db.api.notification_get_by_uuid(note.notification_uuid)
    lease = manager.leases.add(lifecycle.claim(db.api, row, clock.utcnow(), 60))
    manager.stop(0)
    assert lease.lost is True
    assert manager.leases.leases() == []
    row = db.api.notification_get_by_uuid(note.notification_uuid)
    assert row.status == "running"
    assert lifecycle.lease_expired(row, clock.utcnow(), conf.notification_lease_period)


def _wait_idle(manager):
    done = threading.Event()
    for _ in range(500):
        if not manager._active:
            done.set()
            break
        done.wait(0.01)
    assert done.is_set()


def test_one_recovery_per_host_oldest_first(db, manager, cloud, clock):
    _, hosts = make_segment(db)
    sid = cloud.add_server("h1")
    first = make_notification(db, hosts["h1"])
    second = make_notification(db, hosts["h1"], payload=dict(
        fakes.STOPPED_FENCED, cluster_status="ONLINE"))
    # another engine is running the first one
    row = db.api.notification_get_by_uuid(first.notification_uuid)
    lifecycle.claim(db.api, row, clock.utcnow(), 60)
    assert manager.process(Ctx(), second.notification_uuid) is None
    assert status(db, second) == "new"
    assert cloud.journal == []
    # still waiting while the first one is back to 'new' (e.g. released)
    db.api.notification_update(first.notification_uuid, {"status": "new"})
    assert manager.process(Ctx(), second.notification_uuid) is None
    # once the first one is done, the second one runs
    db.api.notification_update(first.notification_uuid, {"status": "finished"})
    assert manager.process(Ctx(), second.notification_uuid) == "finished"
    assert cloud.servers[sid][fakes.HOST] != "h1"


@pytest.mark.parametrize("fuzzy,first_sleeps", [(0, []), (20, [7.5])])
def test_periodic_first_scan_after_a_random_fuzzy_delay(manager, clock, conf, monkeypatch,
                                                        fuzzy, first_sleeps):
    conf.set_override("periodic_fuzzy_delay", fuzzy)
    monkeypatch.setattr(periodic_mod.random, "uniform",
                        lambda low, high: (low, high) == (0, 20) and 7.5)
    periodic = periodic_mod.Periodic(manager, Ctx)
    scans = []

    def scan():
        scans.append(clock.monotonic())
        periodic.loop.stopping.set()
    periodic.run_once = scan
    start = clock.monotonic()
    periodic.loop.run()
    assert clock.slept[:len(first_sleeps)] == first_sleeps
    assert scans == [start + sum(first_sleeps)]


def test_periodic_expiry_checked_every_interval(db, manager, cloud, clock, conf):
    conf.set_override("check_expired_notifications_interval", 300)
    conf.set_override("notification_retry_backoff", 86400)   # no retry meanwhile
    _, hosts = make_segment(db)
    periodic = periodic_mod.Periodic(manager, Ctx)
    old = datetime.timedelta(seconds=conf.notifications_expired_interval + 1)
    first = make_notification(db, hosts["h1"], status="error", created_at=clock.utcnow() - old)
    periodic.run_once()
    assert status(db, first) == "failed"
    second = make_notification(db, hosts["h2"], status="error", created_at=clock.utcnow() - old)
    db.api.notification_update(second.notification_uuid, {"updated_at": clock.utcnow()})
    clock.advance(299)
    periodic.run_once()
    assert status(db, second) == "error"      # next expiry check not due yet
    clock.advance(2)
    periodic.run_once()
    assert status(db, second) == "failed"


def test_periodic_retry_count_survives_a_restart(conf, clock, cloud, db, tmp_path):
    """A new engine (new driver, new periodic task) keeps counting retries."""
    conf.set_override("notification_max_retries", 2)
    backend = f"sqlite:///{tmp_path}/taskflow.sqlite"
    _, hosts = make_segment(db)
    cloud.services.pop("h1")       # every recovery attempt fails
    note = make_notification(db, hosts["h1"], status="error", created_at=clock.utcnow())

    def engine():
        driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=cloud, backend_url=backend)
        mgr = fakes.make_manager(conf, driver=driver, db=db.api, clock=clock,
                                 emit=lambda *a, **k: None)
        return mgr, periodic_mod.Periodic(mgr, Ctx)

    backoff = conf.notification_retry_backoff
    for retries_before in (0, 1):
        mgr, periodic = engine()           # a fresh engine every time
        assert mgr.driver.get_retry_count(note.notification_uuid) == retries_before
        clock.advance(backoff * 2 ** retries_before + 1)
        assert periodic.run_once() == [note.notification_uuid]
        _wait_idle(mgr)
        mgr.stop(0)
        assert status(db, note) == "error"
    mgr, periodic = engine()
    clock.advance(backoff * 4 + 1)
    assert periodic.run_once() == []
    assert status(db, note) == "failed"
    assert "after 2 retries" in db.api.notification_get_by_uuid(
        note.notification_uuid).message
    mgr.stop(0)


class _WarmDriver:
    def __init__(self, error=None):
        self.error = error
        self.calls = threading.Event()

    def warm_up(self):
        self.calls.set()
        if self.error is not None:
            raise self.error


def _bare_manager(conf, clock, driver):
    return fakes.make_manager(conf, driver=driver, db=None, clock=clock,
                              emit=lambda *a, **k: None)


def test_start_warms_the_driver_up_in_the_background(conf, clock):
    driver = _WarmDriver()
    mgr = _bare_manager(conf, clock, driver)
    try:
        mgr.start()
        assert driver.calls.wait(5)
    finally:
        mgr.stop(0)


def test_warm_up_failure_is_logged_not_raised(conf, clock, caplog):
    mgr = _bare_manager(conf, clock, _WarmDriver(RuntimeError("keystone down")))
    mgr.warm_up()
    assert "keystone down" in caplog.text
    _bare_manager(conf, clock, object()).warm_up()   # a driver without warm_up
