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

"""Notification lifecycle rules at the manager level, on a real (SQLite)
database."""

import datetime
import threading

import pytest

from masakari.engine import periodic as periodic_mod
from masakari.tests.unit.engine import fakes
from masakari.tests.unit.engine.test_manager import Ctx, make_notification, make_segment


def status(db, note):
    return db.api.notification_get_by_uuid(note.notification_uuid).status


def wait_idle(manager):
    idle = threading.Event()
    for _ in range(500):
        if not manager._active:
            idle.set()
            break
        idle.wait(0.01)
    assert idle.is_set()


@pytest.mark.parametrize("terminal", ["finished", "ignored", "failed"])
def test_terminal_notifications_are_never_touched(db, manager, cloud, events, terminal):
    """Nothing in the engine touches a terminal notification again."""
    _, hosts = make_segment(db)
    cloud.add_server("h1")
    note = make_notification(db, hosts["h1"], status=terminal)
    assert manager.process(Ctx(), note.notification_uuid) is None
    assert status(db, note) == terminal
    assert cloud.journal == []
    assert db.api.host_get_by_name("h1").on_maintenance is False


def test_terminal_notifications_are_not_picked_up_by_periodic(db, manager, cloud, clock):
    _, hosts = make_segment(db)
    old = clock.utcnow() - datetime.timedelta(days=3)
    notes = [make_notification(db, hosts["h1"], status=s, created_at=old)
             for s in ("finished", "ignored", "failed")]
    assert periodic_mod.Periodic(manager, Ctx).run_once() == []
    assert [status(db, n) for n in notes] == ["finished", "ignored", "failed"]


def test_periodic_path_checks_segment_enabled(db, manager, cloud, clock, conf):
    """The periodic pick-up also honours a disabled segment."""
    _, hosts = make_segment(db, enabled=False)
    cloud.add_server("h1")
    note = make_notification(db, hosts["h1"], created_at=clock.utcnow() - datetime.timedelta(
        seconds=conf.retry_notification_new_status_interval + 5))
    submitted = periodic_mod.Periodic(manager, Ctx).run_once()
    wait_idle(manager)
    if submitted:
        assert submitted == [note.notification_uuid]
    assert status(db, note) == "ignored"
    assert cloud.journal == []


def test_age_is_measured_from_created_at(db, manager, cloud, clock, conf):
    """An ancient monitor-supplied generated_time does not expire a fresh row."""
    _, hosts = make_segment(db)
    note = make_notification(
        db, hosts["h2"], status="error", created_at=clock.utcnow())
    db.api.notification_update(note.notification_uuid, {
        "generated_time": clock.utcnow() - datetime.timedelta(days=30)})
    periodic_mod.Periodic(manager, Ctx).run_once()
    wait_idle(manager)
    assert status(db, note) != "failed"


def test_fresh_new_row_is_left_to_the_rpc_path(db, manager, cloud, clock):
    """`new` rows younger than retry_notification_new_status_interval wait."""
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"], created_at=clock.utcnow())
    assert periodic_mod.Periodic(manager, Ctx).run_once() == []
    assert status(db, note) == "new"


def test_missing_event_key_is_ignored(db, manager, cloud, events):
    """Only host_status NORMAL with event STOPPED is acted on; a
    COMPUTE_HOST payload without `event` is one of "anything else"."""
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"], payload={
                             "host_status": "NORMAL"})  # no event
    assert manager.process(Ctx(), note.notification_uuid) == "ignored"
    row = db.api.notification_get_by_uuid(note.notification_uuid)
    assert row.status == "ignored"


def test_deleted_host_row_is_error_with_message(db, manager, cloud):
    """The host row is gone when the engine picks the notification up."""
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"])
    db.api.host_delete(hosts["h1"].uuid)
    assert manager.process(Ctx(), note.notification_uuid) == "error"
    row = db.api.notification_get_by_uuid(note.notification_uuid)
    assert row.status == "error" and row.message
    assert cloud.mutations() == []


def test_host_recovery_nova_error_is_error(db, manager, cloud, events):
    """A Nova error in the disable step -> `error`, error event with fault."""
    from masakari.compute import exceptions as cexc
    _, hosts = make_segment(db)
    cloud.add_server("h1")
    cloud.fail("disable_service", "h1",
               cexc.ComputeError(method="PUT", url="os-services", reason="HTTP 500"))
    note = make_notification(db, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "error"
    name, _, binary, exc = events[-1]
    assert name == "notification.process.error" and binary == "masakari-engine"
    assert exc not in (None, "str")  # the real exception is passed


def test_reserved_host_segment_without_reserved_hosts_is_error(db, manager, cloud):
    """ReservedHostsUnavailable -> `error`, before any evacuation."""
    segment, hosts = make_segment(db, "reserved_host")
    db.api.host_update(hosts["r1"].uuid, {"reserved": False})
    sid = cloud.add_server("h1")
    note = make_notification(db, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "error"
    assert not [j for j in cloud.journal if j[0] == "evacuate"]
    assert cloud.servers[sid][fakes.HOST] == "h1"


def test_process_events_sequence(db, manager, cloud, events):
    """Start with the received status, end with status still `running`;
    host saves are published by masakari-engine."""
    _, hosts = make_segment(db)
    cloud.add_server("h1")
    note = make_notification(db, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "finished"
    names = [(e[0], e[1]) for e in events if e[0].startswith("notification.")]
    assert names == [("notification.process.start", "new"),
                     ("notification.process.end", "running")]
    assert {e[2] for e in events} == {"masakari-engine"}


def test_started_host_event_emits_start_and_end(db, manager, cloud, events):
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"], payload={"event": "STARTED",
                                                       "host_status": "NORMAL"})
    assert manager.process(Ctx(), note.notification_uuid) == "finished"
    assert [e[0] for e in events] == ["notification.process.start",
                                      "notification.process.end"]


def test_details_rpc_for_notification_that_never_ran(db, manager, cloud):
    """A notification that never ran a flow has no details."""
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"])
    assert manager.get_notification_recovery_workflow_details(
        Ctx(), note.notification_uuid) == []


def test_details_rpc_after_host_deleted_is_not_an_error(db, manager, cloud):
    """Details do not depend on the host row still existing."""
    _, hosts = make_segment(db)
    cloud.add_server("h1")
    note = make_notification(db, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "finished"
    db.api.host_delete(hosts["h1"].uuid)
    details = manager.get_notification_recovery_workflow_details(
        Ctx(), note.notification_uuid)
    assert [d["name"] for d in details] == ["DisableComputeServiceTask",
                                            "PrepareHAEnabledInstancesTask",
                                            "EvacuateInstancesTask"]


def test_details_keep_the_method_that_ran(db, manager, cloud):
    """Changing the segment's recovery_method later does not reorder or
    drop the recorded tasks."""
    segment, hosts = make_segment(db, "reserved_host")
    cloud.add_server("h1")
    note = make_notification(db, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "finished"
    before = manager.get_notification_recovery_workflow_details(Ctx(),
                                                                note.notification_uuid)
    db.api.failover_segment_update(segment.uuid, {"recovery_method": "auto"})
    after = manager.get_notification_recovery_workflow_details(Ctx(),
                                                               note.notification_uuid)
    assert [d["name"] for d in after] == [d["name"] for d in before]
    assert len(after) == 3
