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

"""Status reached per payload, side
effects on host records, reserved-host list and the instance event table."""

import pytest

from masakari.engine import events as events_mod
from masakari.tests.unit.engine import fakes
from masakari.tests.unit.engine.test_manager import Ctx, make_notification, make_segment


def process(manager, note):
    return manager.process(Ctx(), note.notification_uuid)


# COMPUTE_HOST: (payload, status, on_maintenance afterwards, Nova mutations?)
HOST_CASES = [
    ({"event": "STOPPED"}, "ignored", False, False),
    ({"event": "STOPPED", "host_status": "UNKNOWN"}, "ignored", False, False),
    ({"event": "STOPPED", "host_status": "unknown"}, "ignored", False, False),
    ({"event": "STARTED", "host_status": "NORMAL"}, "finished", False, False),
    # host_status is evaluated before event
    ({"event": "STARTED"}, "ignored", False, False),
    ({"event": "STARTED", "host_status": "UNKNOWN"}, "ignored", False, False),
    ({"event": "started", "host_status": "normal"}, "finished", False, False),
    ({"event": "REBOOTED", "host_status": "NORMAL"}, "ignored", False, False),
    ({"event": "stopped", "host_status": "normal"}, "finished", True, True),
    ({"event": "STOPPED", "host_status": "NORMAL", "cluster_status": "ONLINE"},
     "finished", True, True),
]


@pytest.mark.parametrize("payload,expected,maintenance,mutates", HOST_CASES)
def test_compute_host_payload_table(db, manager, cloud, payload, expected, maintenance,
                                    mutates):
    _, hosts = make_segment(db)
    cloud.add_server("h1")
    note = make_notification(db, hosts["h1"], payload=payload)
    assert process(manager, note) == expected
    assert db.api.notification_get_by_uuid(
        note.notification_uuid).status == expected
    assert db.api.host_get_by_name("h1").on_maintenance is maintenance
    assert bool(cloud.mutations()) is mutates


def test_stopped_reserved_failed_host_is_unreserved(db, manager, cloud):
    """A failed host that was reserved loses its reserved flag."""
    _, hosts = make_segment(db)
    db.api.host_update(hosts["h1"].uuid, {"reserved": True})
    note = make_notification(db, hosts["h1"])
    assert process(manager, note) == "finished"  # nothing to evacuate
    row = db.api.host_get_by_name("h1")
    assert row.on_maintenance is True and row.reserved is False


def test_started_does_not_undo_maintenance(db, manager, cloud):
    """The engine never clears on_maintenance itself."""
    _, hosts = make_segment(db)
    db.api.host_update(hosts["h1"].uuid, {"on_maintenance": True})
    note = make_notification(db, hosts["h1"], payload={"event": "STARTED",
                                                       "host_status": "NORMAL"})
    assert process(manager, note) == "finished"
    assert db.api.host_get_by_name("h1").on_maintenance is True
    assert cloud.mutations() == []


@pytest.mark.parametrize("reserved_setup,expected_target", [
    # newest reserved host first (created_at desc, id desc)
    ({}, "r2"),
    # reserved hosts on maintenance are not candidates
    ({"r2": {"on_maintenance": True}}, "r1"),
    # hosts no longer reserved are not candidates
    ({"r2": {"reserved": False}}, "r1"),
])
def test_reserved_host_list_order_and_filter(db, manager, cloud, reserved_setup,
                                             expected_target):
    segment, hosts = make_segment(db, "reserved_host")
    cloud.add_host("r2")
    r2 = db.api.host_create({"name": "r2", "type": "COMPUTE", "control_attributes": "SSH",
                             "failover_segment_id": segment.uuid, "reserved": True,
                             "on_maintenance": False})
    for name, values in reserved_setup.items():
        db.api.host_update({"r2": r2}[name].uuid, values)
    sid = cloud.add_server("h1")
    note = make_notification(db, hosts["h1"])
    assert process(manager, note) == "finished"
    assert cloud.servers[sid][fakes.HOST] == expected_target
    assert db.api.host_get_by_name(expected_target).reserved is False


# PROCESS: (payload, status, maintenance, mutations); only nova-compute
# (exact name) touches maintenance.
PROCESS_CASES = [
    ({"event": "STARTED", "process_name": "nova-compute"}, "finished", False,
     []),
    ({"event": "started", "process_name": "nova-compute"}, "finished", False, []),
    ({"event": "RESTARTED", "process_name": "nova-compute"}, "ignored", False, []),
    ({"event": "stopped", "process_name": "nova-compute"}, "finished", True,
     [("disable_service", "h1", "Masakari detected process failed.")]),
    ({"event": "STOPPED", "process_name": "Nova-Compute"}, "finished", False, []),
    ({"event": "STOPPED", "process_name": "libvirtd"}, "finished", False, []),
]


@pytest.mark.parametrize("payload,expected,maintenance,calls", PROCESS_CASES)
def test_process_payload_table(db, manager, cloud, payload, expected, maintenance, calls):
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"], type_="PROCESS", payload=payload)
    assert process(manager, note) == expected
    assert db.api.host_get_by_name("h1").on_maintenance is maintenance
    assert cloud.mutations() == calls


def test_process_already_disabled_is_not_disabled_again(db, manager, cloud):
    """DisableComputeNodeTask: skip the disable when already disabled."""
    _, hosts = make_segment(db)
    cloud.services["h1"]["status"] = "disabled"
    note = make_notification(db, hosts["h1"], type_="PROCESS",
                             payload={"event": "STOPPED", "process_name": "nova-compute"})
    assert process(manager, note) == "finished"
    assert cloud.mutations() == []


def test_segment_disabled_applies_to_every_type(db, manager, cloud):
    """Nothing is touched for a disabled segment, on every path."""
    _, hosts = make_segment(db, enabled=False)
    sid = cloud.add_server("h1")
    notes = [make_notification(db, hosts["h1"], type_="PROCESS",
                               payload={"event": "STOPPED", "process_name": "nova-compute"}),
             make_notification(db, hosts["h1"], type_="VM",
                               payload={"event": "LIFECYCLE", "instance_uuid": sid,
                                        "vir_domain_event": "STOPPED_FAILED"})]
    for note in notes:
        assert process(manager, note) == "ignored"
    assert cloud.journal == []
    assert db.api.host_get_by_name("h1").on_maintenance is False


# The three upstream pairs trigger recovery, plus our deliberate STOPPED_CRASHED
# (releasenotes engine-crashed-guest-recovery).
SPEC_RECOVERABLE = {("LIFECYCLE", "STOPPED_FAILED"),
                    ("QEMU_GUEST_AGENT_ERROR", "STOPPED_FAILED"),
                    ("IO_ERROR", "IO_ERROR_REPORT")}
OUR_ADDITIONS = {("LIFECYCLE", "STOPPED_CRASHED")}

# The ignored examples (everything masakari-monitors emits besides them),
# plus case variants of the recoverable pairs (matching is case-sensitive).
SPEC_IGNORED = [
    ("LIFECYCLE", "STOPPED_SHUTDOWN"), ("LIFECYCLE", "STOPPED_DESTROYED"),
    ("LIFECYCLE", "SHUTDOWN_FINISHED"), ("LIFECYCLE", "SUSPENDED_IOERROR"),
    ("LIFECYCLE", "SUSPENDED_WATCHDOG"), ("LIFECYCLE", "SUSPENDED_API_ERROR"),
    ("REBOOT", "UNKNOWN"), ("WATCHDOG",
                            "WATCHDOG_NONE"), ("WATCHDOG", "WATCHDOG_PAUSE"),
    ("WATCHDOG", "WATCHDOG_RESET"), ("WATCHDOG", "WATCHDOG_POWEROFF"),
    ("WATCHDOG", "WATCHDOG_SHUTDOWN"), ("WATCHDOG", "WATCHDOG_DEBUG"),
    ("IO_ERROR", "IO_ERROR_NONE"), ("IO_ERROR", "IO_ERROR_PAUSE"),
    ("IO_ERROR_REASON", "UNKNOWN"), ("CONTROL_ERROR", "UNKNOWN"),
    ("lifecycle", "STOPPED_FAILED"), ("LIFECYCLE", "stopped_failed"),
    ("QEMU_GUEST_AGENT_ERROR", "IO_ERROR_REPORT"), ("IO_ERROR", "STOPPED_FAILED"),
]


def test_event_table_is_spec_plus_documented_additions():
    assert events_mod.RECOVERABLE_INSTANCE_EVENTS == SPEC_RECOVERABLE | OUR_ADDITIONS


@pytest.mark.parametrize("event,vir", SPEC_IGNORED)
def test_unmapped_instance_events_are_ignored_without_nova_calls(db, manager, cloud, events,
                                                                 event, vir):
    _, hosts = make_segment(db)
    sid = cloud.add_server("h1")
    note = make_notification(db, hosts["h1"], type_="VM",
                             payload={"event": event, "vir_domain_event": vir,
                                      "instance_uuid": sid})
    assert process(manager, note) == "ignored"
    assert cloud.journal == []
    # only the start event for an unmatched VM event
    assert [e[0] for e in events] == ["notification.process.start"]


@pytest.mark.parametrize("event,vir", sorted(SPEC_RECOVERABLE | OUR_ADDITIONS))
def test_mapped_instance_events_recover(db, manager, cloud, event, vir):
    _, hosts = make_segment(db)
    sid = cloud.add_server("h1")
    cloud.servers[sid][fakes.VM] = "error"
    note = make_notification(db, hosts["h1"], type_="VM",
                             payload={"event": event, "vir_domain_event": vir,
                                      "instance_uuid": sid})
    assert process(manager, note) == "finished"
    assert cloud.servers[sid][fakes.VM] == "active"


# which versioned events accompany each outcome.
@pytest.mark.parametrize("setup,expected,last_event", [
    ({"ha": False}, "finished", "notification.process.end"),       # Skip
    ({"vm_state": "rescued"}, "ignored", "notification.process.error"),  # Ignore
    ({"vm_state": "shelved"}, "error", "notification.process.error"),
])
def test_instance_outcome_status_and_event(db, manager, cloud, events, setup, expected,
                                           last_event):
    _, hosts = make_segment(db)
    sid = cloud.add_server("h1", **setup)
    note = make_notification(db, hosts["h1"], type_="VM",
                             payload={"event": "LIFECYCLE", "instance_uuid": sid,
                                      "vir_domain_event": "STOPPED_FAILED"})
    assert process(manager, note) == expected
    assert events[-1][0] == last_event


def test_nothing_to_evacuate_is_finished_with_host_left_disabled(db, manager, cloud):
    """Skip -> finished; host stays on maintenance, service
    disabled (the engine never re-enables it)."""
    _, hosts = make_segment(db)
    note = make_notification(db, hosts["h1"])
    assert process(manager, note) == "finished"
    assert db.api.host_get_by_name("h1").on_maintenance is True
    assert cloud.services["h1"]["status"] == "disabled"
    assert not [j for j in cloud.mutations() if j[0] == "enable_service"]
