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
"""DB API behaviour, run on every available backend (see fixtures)."""

import datetime

import pytest

from masakari.db import api
from masakari import exception

NOW = datetime.datetime(2026, 11, 22, 4, 0, 0)


def make_segment(name="seg", **kw):
    values = {"name": name, "service_type": "COMPUTE",
              "recovery_method": "auto"}
    values.update(kw)
    return api.failover_segment_create(values)


def make_host(segment, name="host", **kw):
    values = {"name": name, "type": "COMPUTE", "control_attributes": "ssh",
              "failover_segment_id": segment.uuid}
    values.update(kw)
    return api.host_create(values)


def make_notification(host, when=NOW, payload=None, window=None, **kw):
    values = {"type": "COMPUTE_HOST", "source_host_uuid": host.uuid,
              "generated_time": when,
              "payload": payload or {"event": "STOPPED"}}
    values.update(kw)
    return api.notification_create(values, duplicate_window=window)


# --- segments ---------------------------------------------------------------

def test_segment_create_defaults(db):
    seg = make_segment(description="d")
    assert seg.id > 0
    assert len(seg.uuid) == 36
    assert seg.enabled is True
    assert seg.deleted == 0
    assert seg.created_at.microsecond == 0
    assert seg.updated_at is None and seg.deleted_at is None
    got = api.failover_segment_get_by_uuid(seg.uuid)
    assert (got.name, got.description, got.recovery_method) == (
        "seg", "d", "auto")
    assert api.failover_segment_get_by_id(seg.id).uuid == seg.uuid
    assert api.failover_segment_get_by_name("seg").uuid == seg.uuid


def test_segment_not_found_messages(db):
    with pytest.raises(exception.FailoverSegmentNotFound) as e:
        api.failover_segment_get_by_uuid("nope")
    assert str(e.value) == "No failover segment with id nope."
    assert e.value.code == 404
    with pytest.raises(exception.FailoverSegmentNotFound):
        api.failover_segment_get_by_id("abc")
    with pytest.raises(exception.FailoverSegmentNotFoundByName):
        api.failover_segment_get_by_name("x")


def test_segment_uuid_lookup_is_exact(db):
    seg = make_segment()
    with pytest.raises(exception.FailoverSegmentNotFound):
        api.failover_segment_get_by_uuid(seg.uuid.upper())


def test_segment_duplicate_name(db):
    make_segment("a")
    with pytest.raises(exception.FailoverSegmentExists) as e:
        make_segment("a")
    assert str(e.value) == "Failover segment with name a already exists."
    assert e.value.code == 409


def test_segment_name_reusable_after_delete(db):
    first = make_segment("a")
    api.failover_segment_delete(first.uuid)
    second = make_segment("a")
    assert second.uuid != first.uuid
    api.failover_segment_delete(second.uuid)
    third = make_segment("a")
    assert api.failover_segment_get_by_name("a").uuid == third.uuid


def test_segment_update(db):
    seg = make_segment("a")
    make_segment("b")
    updated = api.failover_segment_update(seg.uuid, {"description": "x",
                                                     "enabled": False})
    assert updated.description == "x" and updated.enabled is False
    assert updated.updated_at is not None
    assert updated.updated_at.microsecond == 0
    with pytest.raises(exception.FailoverSegmentExists):
        api.failover_segment_update(seg.uuid, {"name": "b"})
    # renaming to its own name is fine
    assert api.failover_segment_update(seg.uuid, {"name": "a"}).name == "a"
    with pytest.raises(exception.FailoverSegmentNotFound):
        api.failover_segment_update("missing", {"name": "c"})


def test_segment_update_without_change_keeps_updated_at(db):
    seg = make_segment("a", description="d")
    same = api.failover_segment_update(seg.uuid, {"description": "d"})
    assert same.updated_at is None


def test_segment_delete_cascades_to_hosts(db):
    seg = make_segment("a")
    other = make_segment("b")
    make_host(seg, "h1")
    make_host(seg, "h2")
    kept = make_host(other, "h3")
    api.failover_segment_delete(seg.uuid)
    assert [h.uuid for h in api.host_get_all_by_filters()] == [kept.uuid]
    with pytest.raises(exception.FailoverSegmentNotFound):
        api.failover_segment_get_by_uuid(seg.uuid)
    with pytest.raises(exception.FailoverSegmentNotFound):
        api.failover_segment_delete(seg.uuid)
    # host names are reusable after the cascade
    make_host(other, "h1")


def test_soft_delete_columns(db):
    seg = make_segment("a")
    api.failover_segment_delete(seg.uuid)
    engine = db.engine()
    try:
        with engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT deleted, deleted_at, updated_at FROM "
                "failover_segments WHERE id = %d" % seg.id).one()
    finally:
        engine.dispose()
    assert row[0] == seg.id
    assert row[1] is not None
    assert row[2] is None


def test_segment_filters(db):
    make_segment("a", recovery_method="auto", enabled=True)
    make_segment("b", recovery_method="reserved_host", enabled=False)
    make_segment("c", recovery_method="auto", service_type="OTHER")

    def names(**filters):
        return sorted(s.name for s in
                      api.failover_segment_get_all_by_filters(filters))

    assert names() == ["a", "b", "c"]
    assert names(recovery_method="auto") == ["a", "c"]
    assert names(recovery_method="bogus") == []
    assert names(service_type="OTHER") == ["c"]
    assert names(enabled="0") == ["b"]
    assert names(enabled="1") == ["a", "c"]
    assert names(enabled=False) == ["b"]
    assert names(enabled="true") == ["a", "c"]
    assert names(enabled="junk") == []
    assert names(unknown="x") == ["a", "b", "c"]


# --- sort and pagination ----------------------------------------------------

def _seed_segments(n=5):
    return [make_segment("s%d" % i, description=None if i % 2 else "d%d" % i)
            for i in range(n)]


def test_default_order_is_created_at_desc_id_desc(db):
    segs = _seed_segments()
    got = api.failover_segment_get_all_by_filters()
    assert [s.id for s in got] == sorted((s.id for s in segs), reverse=True)


def test_sort_keys_and_dirs(db):
    _seed_segments()
    got = api.failover_segment_get_all_by_filters(sort_keys=["name"],
                                                  sort_dirs=["asc"])
    assert [s.name for s in got] == ["s0", "s1", "s2", "s3", "s4"]
    got = api.failover_segment_get_all_by_filters(sort_keys=[" name "],
                                                  sort_dirs=[" desc"])
    assert [s.name for s in got] == ["s4", "s3", "s2", "s1", "s0"]


@pytest.mark.parametrize("key", ["bogus", "", "name,id", "failover_segment"])
def test_invalid_sort_key(db, key):
    with pytest.raises(exception.InvalidSortKey) as e:
        api.host_get_all_by_filters(sort_keys=[key])
    assert e.value.code == 400
    assert str(e.value) == (
        'Sort key supplied is invalid: %s' % key.strip())


def test_invalid_sort_dirs(db):
    with pytest.raises(exception.InvalidInput) as e:
        api.failover_segment_get_all_by_filters(sort_keys=["name"],
                                                sort_dirs=["up"])
    assert str(e.value) == ("Invalid input received: Unknown sort "
                            "direction, must be 'asc' or 'desc'")
    with pytest.raises(exception.InvalidInput) as e:
        api.failover_segment_get_all_by_filters(sort_keys=["name"],
                                                sort_dirs=["asc", "asc"])
    assert str(e.value) == ("Invalid input received: Sort direction size "
                            "exceeds sort key size")


@pytest.mark.parametrize("key", ["id", "uuid", "name", "description",
                                 "updated_at", "recovery_method", "deleted",
                                 "enabled", "service_type"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_keyset_pagination_matches_full_listing(db, key, direction):
    segs = _seed_segments(5)
    api.failover_segment_update(segs[1].uuid, {"recovery_method": "rh_priority",
                                               "enabled": False})
    api.failover_segment_update(segs[3].uuid, {"recovery_method": "auto_priority"})
    full = [s.id for s in api.failover_segment_get_all_by_filters(
        sort_keys=[key], sort_dirs=[direction])]
    assert sorted(full) == sorted(s.id for s in segs)
    paged, marker = [], None
    for _ in range(10):
        page = api.failover_segment_get_all_by_filters(
            sort_keys=[key], sort_dirs=[direction], limit=2, marker=marker)
        if not page:
            break
        paged.extend(s.id for s in page)
        marker = page[-1].id
    assert paged == full


def test_limit_and_marker(db):
    segs = _seed_segments(3)
    assert api.failover_segment_get_all_by_filters(limit=0) == []
    assert len(api.failover_segment_get_all_by_filters(limit=2)) == 2
    last = api.failover_segment_get_all_by_filters(
        sort_keys=["id"], sort_dirs=["asc"])[-1]
    assert api.failover_segment_get_all_by_filters(
        sort_keys=["id"], sort_dirs=["asc"], marker=last.id) == []
    after_first = api.failover_segment_get_all_by_filters(
        sort_keys=["id"], sort_dirs=["asc"], marker=str(segs[0].id))
    assert [s.id for s in after_first] == [segs[1].id, segs[2].id]


@pytest.mark.parametrize("marker", ["abc", "", "99999", 99999,
                                    "1f0d2a0c-4a3b-4c5d-8e9f-0a1b2c3d4e5f",
                                    "99999999999999999999"])
def test_marker_not_found(db, marker):
    _seed_segments(1)
    with pytest.raises(exception.MarkerNotFound) as e:
        api.failover_segment_get_all_by_filters(marker=marker)
    assert str(e.value) == "Marker %s could not be found." % marker


def test_marker_must_not_be_deleted(db):
    seg = make_segment("a")
    api.failover_segment_delete(seg.uuid)
    with pytest.raises(exception.MarkerNotFound):
        api.failover_segment_get_all_by_filters(marker=seg.id)


def test_marker_ignores_filters(db):
    a = make_segment("a", service_type="X")
    make_segment("b", service_type="Y")
    got = api.failover_segment_get_all_by_filters(
        {"service_type": "Y"}, marker=a.id, sort_keys=["id"],
        sort_dirs=["asc"])
    assert [s.name for s in got] == ["b"]


# --- hosts ------------------------------------------------------------------

def test_host_create_and_get(db):
    seg = make_segment()
    host = make_host(seg, reserved=True)
    assert host.reserved is True and host.on_maintenance is False
    assert host.failover_segment.uuid == seg.uuid
    got = api.host_get_by_uuid(host.uuid)
    assert got.failover_segment.name == "seg"
    assert api.host_get_by_uuid(host.uuid, seg.uuid).id == host.id
    assert api.host_get_by_id(host.id).uuid == host.uuid
    assert api.host_get_by_name("host").uuid == host.uuid


def test_host_not_found_messages(db):
    seg = make_segment()
    host = make_host(seg)
    with pytest.raises(exception.HostNotFound) as e:
        api.host_get_by_uuid("x")
    assert str(e.value) == "No host with id x."
    with pytest.raises(exception.HostNotFoundUnderFailoverSegment) as e:
        api.host_get_by_uuid(host.uuid, "other")
    assert str(e.value) == ("Host '%s' under failover_segment 'other' could "
                            "not be found." % host.uuid)
    with pytest.raises(exception.HostNotFoundByName) as e:
        api.host_get_by_name("zz")
    assert str(e.value) == "Host with name zz could not be found."


def test_host_create_needs_live_segment(db):
    seg = make_segment()
    api.failover_segment_delete(seg.uuid)
    with pytest.raises(exception.FailoverSegmentNotFound):
        make_host(seg)


def test_host_name_unique_globally_and_reusable(db):
    s1, s2 = make_segment("a"), make_segment("b")
    host = make_host(s1, "h")
    with pytest.raises(exception.HostExists) as e:
        make_host(s2, "h")
    assert str(e.value) == "Host with name h already exists."
    api.host_delete(host.uuid)
    assert make_host(s2, "h").failover_segment_id == s2.uuid
    with pytest.raises(exception.HostNotFound):
        api.host_delete(host.uuid)


def test_host_update(db):
    seg = make_segment()
    host = make_host(seg, "h1")
    make_host(seg, "h2")
    updated = api.host_update(host.uuid, {"on_maintenance": True,
                                          "reserved": True})
    assert updated.on_maintenance is True and updated.reserved is True
    assert updated.failover_segment.uuid == seg.uuid
    assert updated.updated_at is not None
    with pytest.raises(exception.HostExists):
        api.host_update(host.uuid, {"name": "h2"})
    with pytest.raises(exception.HostNotFound):
        api.host_update("missing", {"name": "h3"})


def test_host_filters_and_segment_join(db):
    s1, s2 = make_segment("a"), make_segment("b")
    make_host(s1, "h1", type="COMPUTE", on_maintenance=True)
    make_host(s1, "h2", type="OTHER", reserved=True)
    make_host(s2, "h3")

    def names(**filters):
        return sorted(h.name for h in api.host_get_all_by_filters(filters))

    assert names(failover_segment_id=s1.uuid) == ["h1", "h2"]
    assert names(failover_segment_id=s1.uuid, type="OTHER") == ["h2"]
    assert names(on_maintenance="true") == ["h1"]
    assert names(on_maintenance=False) == ["h2", "h3"]
    assert names(reserved="1") == ["h2"]
    assert names(name="h3") == ["h3"]
    assert names(control_attributes="ssh") == ["h1", "h2", "h3"]
    hosts = api.host_get_all_by_filters(sort_keys=["name"],
                                        sort_dirs=["asc"], limit=2)
    assert [(h.name, h.failover_segment.name) for h in hosts] == [
        ("h1", "a"), ("h2", "a")]


def test_under_recovery(db):
    seg = make_segment("a")
    other = make_segment("b")
    host = make_host(seg, "h1")
    assert api.is_failover_segment_under_recovery(seg.uuid) is False
    note = make_notification(host)
    assert api.is_failover_segment_under_recovery(seg.uuid) is True
    assert api.is_failover_segment_under_recovery(other.uuid) is False
    for status, expected in [("running", True), ("error", True),
                             ("finished", False), ("failed", False),
                             ("ignored", False)]:
        api.notification_update(note.notification_uuid, {"status": status})
        assert api.is_failover_segment_under_recovery(seg.uuid) is expected
    api.notification_update(note.notification_uuid, {"status": "new"})
    api.host_delete(host.uuid)
    assert api.is_failover_segment_under_recovery(seg.uuid) is False


def test_under_recovery_counts_deleted_notifications(db):
    seg = make_segment("a")
    host = make_host(seg, "h1")
    note = make_notification(host)
    api.notification_delete(note.notification_uuid)
    assert api.is_failover_segment_under_recovery(seg.uuid) is True


# --- notifications ----------------------------------------------------------

def test_notification_create(db):
    seg = make_segment()
    host = make_host(seg)
    aware = datetime.datetime(2026, 11, 22, 13, 0, 0, tzinfo=datetime.timezone(
        datetime.timedelta(hours=9)))
    note = make_notification(host, when=aware,
                             failover_segment_uuid=seg.uuid)
    assert note.status == "new"
    assert len(note.notification_uuid) == 36
    got = api.notification_get_by_uuid(note.notification_uuid)
    assert got.generated_time == NOW
    assert got.payload == '{"event": "STOPPED"}'
    assert got.failover_segment_uuid == seg.uuid
    assert got.message is None
    assert api.notification_get_by_id(note.id).id == note.id
    with pytest.raises(exception.NotificationNotFound) as e:
        api.notification_get_by_uuid("nope")
    assert str(e.value) == "No notification with id nope."


def test_duplicate_rule(db):
    seg = make_segment()
    host = make_host(seg, "h1")
    other = make_host(seg, "h2")
    first = make_notification(host, window=180)
    with pytest.raises(exception.DuplicateNotification) as e:
        make_notification(host, window=180,
                          when=NOW + datetime.timedelta(seconds=180))
    assert str(e.value) == ("Notification received from host h1 of type "
                            "COMPUTE_HOST is duplicate.")
    # no upper bound: an older report is a duplicate of a newer stored one
    with pytest.raises(exception.DuplicateNotification):
        make_notification(host, window=180,
                          when=NOW - datetime.timedelta(days=3))
    # any status counts
    api.notification_update(first.notification_uuid, {"status": "finished"})
    with pytest.raises(exception.DuplicateNotification):
        make_notification(host, window=180)
    # outside the window, other payload, other type, other host: accepted
    make_notification(host, window=180,
                      when=NOW + datetime.timedelta(seconds=181))
    make_notification(host, window=180, payload={"event": "STARTED"})
    make_notification(host, window=180, type="PROCESS")
    make_notification(other, window=180)
    # without a window there is no check
    make_notification(host)
    # deleted notifications do not count
    for n in api.notification_get_all_by_filters(
            {"source_host_uuid": other.uuid}):
        api.notification_delete(n.notification_uuid)
    make_notification(other, window=180)


def test_notification_filters(db):
    seg = make_segment()
    h1, h2 = make_host(seg, "h1"), make_host(seg, "h2")
    a = make_notification(h1, when=NOW, failover_segment_uuid=seg.uuid)
    b = make_notification(h2, when=NOW + datetime.timedelta(hours=1),
                          type="VM")
    api.notification_update(b.notification_uuid, {"status": "error"})

    def uuids(**filters):
        return sorted(n.notification_uuid for n in
                      api.notification_get_all_by_filters(filters))

    assert uuids(status="new") == [a.notification_uuid]
    assert uuids(status=["new", "error"]) == sorted(
        [a.notification_uuid, b.notification_uuid])
    assert uuids(status="bogus") == []
    assert uuids(source_host_uuid=h2.uuid) == [b.notification_uuid]
    assert uuids(type="VM") == [b.notification_uuid]
    assert uuids(failover_segment_uuid=seg.uuid) == [a.notification_uuid]
    assert uuids(generated_since=NOW + datetime.timedelta(minutes=1)) == [
        b.notification_uuid]
    assert uuids(notification_uuid=[b.notification_uuid]) == [
        b.notification_uuid]
    assert uuids(generated_before=NOW + datetime.timedelta(minutes=1)) == [
        a.notification_uuid]
    far = datetime.datetime(2999, 1, 1)
    assert len(uuids(created_before=far)) == 2
    assert uuids(created_before=datetime.datetime(2000, 1, 1)) == []
    assert uuids(updated_before=far) == [b.notification_uuid]


def test_notification_cas_update(db):
    seg = make_segment()
    host = make_host(seg)
    note = make_notification(host)
    running = api.notification_update(note.notification_uuid,
                                      {"status": "running"},
                                      expected_status="new")
    assert running.status == "running" and running.updated_at is not None
    with pytest.raises(exception.NotificationStatusConflict) as e:
        api.notification_update(note.notification_uuid,
                                {"status": "running"},
                                expected_status=["new", "error"])
    assert e.value.code == 409
    assert api.notification_get_by_uuid(
        note.notification_uuid).status == "running"
    stamp = running.updated_at
    renewed = api.notification_update(
        note.notification_uuid,
        {"updated_at": stamp + datetime.timedelta(seconds=5)},
        expected_updated_at=stamp)
    assert renewed.updated_at == stamp + datetime.timedelta(seconds=5)
    with pytest.raises(exception.NotificationStatusConflict):
        api.notification_update(
            note.notification_uuid, {"message": "x"},
            expected_updated_at=stamp)
    done = api.notification_update(note.notification_uuid,
                                   {"status": "finished", "message": "ok"},
                                   expected_status="running")
    assert (done.status, done.message) == ("finished", "ok")
    with pytest.raises(exception.NotificationNotFound):
        api.notification_update("missing", {"status": "error"})


def test_notification_delete_cascades_to_vmoves(db):
    seg = make_segment()
    host = make_host(seg)
    note = make_notification(host)
    api.vmove_create({"notification_uuid": note.notification_uuid,
                      "instance_uuid": "i1", "instance_name": "vm1"})
    api.notification_delete(note.notification_uuid)
    assert api.vmove_get_all_by_filters(
        {"notification_uuid": note.notification_uuid}) == []
    with pytest.raises(exception.NotificationNotFound):
        api.notification_delete(note.notification_uuid)


# --- vmoves -----------------------------------------------------------------

def test_vmoves(db):
    seg = make_segment()
    host = make_host(seg)
    note = make_notification(host)
    vm = api.vmove_create({"notification_uuid": note.notification_uuid,
                           "instance_uuid": "i1", "instance_name": "vm1",
                           "source_host": "host", "type": "evacuation",
                           "status": "pending"})
    api.vmove_create({"notification_uuid": note.notification_uuid,
                      "instance_uuid": "i2", "instance_name": "vm2",
                      "type": "evacuation", "status": "pending"})
    moved = api.vmove_update(vm.uuid, {"status": "succeeded",
                                       "dest_host": "other",
                                       "end_time": NOW})
    assert moved.status == "succeeded" and moved.updated_at is not None
    got = api.vmove_get_by_uuid(vm.uuid, note.notification_uuid)
    assert (got.dest_host, got.end_time) == ("other", NOW)
    with pytest.raises(exception.VMoveNotFound) as e:
        api.vmove_get_by_uuid(vm.uuid, "other")
    assert str(e.value) == "No vm move with id %s." % vm.uuid
    assert [v.instance_name for v in api.vmove_get_all_by_filters(
        {"notification_uuid": note.notification_uuid, "status": "pending"})
    ] == ["vm2"]
    assert len(api.vmove_get_all_by_filters(
        {"type": "evacuation"}, sort_keys=["instance_name"],
        sort_dirs=["asc"], limit=1)) == 1
    with pytest.raises(exception.VMoveNotFound):
        api.vmove_update("missing", {"status": "failed"})


def test_vmove_update_each_is_one_transaction(db):
    note = make_notification(make_host(make_segment()))
    base = {"notification_uuid": note.notification_uuid,
            "type": "evacuation", "status": "ongoing"}
    one, two = api.vmove_create_many(
        [dict(base, instance_uuid="i%d" % n, instance_name="vm%d" % n)
         for n in range(2)])
    api.vmove_update_each([
        (one.uuid, {"status": "succeeded", "dest_host": "h2",
                    "end_time": NOW}),
        (two.uuid, {"status": "failed", "message": "No valid host"}),
    ])
    got = {v.uuid: v for v in api.vmove_get_all_by_filters(
        {"notification_uuid": note.notification_uuid})}
    assert (got[one.uuid].status, got[one.uuid].dest_host,
            got[one.uuid].end_time) == ("succeeded", "h2", NOW)
    assert (got[two.uuid].status, got[two.uuid].message) == (
        "failed", "No valid host")
    # All or nothing: an unknown uuid changes none of them.
    with pytest.raises(exception.VMoveNotFound):
        api.vmove_update_each([(one.uuid, {"status": "failed"}),
                               ("missing", {"status": "failed"})])
    assert api.vmove_get_by_uuid(one.uuid).status == "succeeded"
    api.vmove_update_each([])


def test_vmove_bulk_create_and_update(db):
    seg = make_segment()
    host = make_host(seg)
    note = make_notification(host)
    other = make_notification(make_host(seg, name="host2"))
    base = {"notification_uuid": note.notification_uuid,
            "type": "evacuation", "status": "pending"}
    created = api.vmove_create_many(
        [dict(base, instance_uuid="i%d" % n, instance_name="vm%d" % n)
         for n in range(3)])
    assert [v.instance_uuid for v in created] == ["i0", "i1", "i2"]
    assert len({v.uuid for v in created}) == 3
    assert api.vmove_create_many([]) == []
    foreign = api.vmove_create(dict(
        base, notification_uuid=other.notification_uuid, instance_uuid="x",
        instance_name="x"))
    uuids = [created[0].uuid, created[2].uuid]
    changed = api.vmove_update_many(
        uuids + [created[1].uuid.upper(), "missing"],
        {"status": "ongoing", "start_time": NOW})
    assert changed == 2
    got = {v.instance_uuid: v for v in api.vmove_get_all_by_filters(
        {"notification_uuid": note.notification_uuid})}
    assert {k: v.status for k, v in got.items()} == {
        "i0": "ongoing", "i1": "pending", "i2": "ongoing"}
    assert got["i0"].start_time == NOW and got["i0"].updated_at is not None
    assert api.vmove_get_by_uuid(foreign.uuid).status == "pending"
    assert api.vmove_update_many([], {"status": "failed"}) == 0
    with pytest.raises(ValueError):
        api.vmove_update_many(uuids, {"bogus": 1})
    with pytest.raises(ValueError):
        api.vmove_create_many([dict(base, bogus=1)])
    assert len(api.vmove_get_all_by_filters(
        {"notification_uuid": note.notification_uuid})) == 3


def test_update_rejects_unknown_column(db):
    seg = make_segment()
    with pytest.raises(ValueError):
        api.failover_segment_update(seg.uuid, {"bogus": 1})


def test_uuid_variants_never_match(db):
    """MySQL collations are case-insensitive; identifiers must not be."""
    seg = make_segment()
    host = make_host(seg)
    note = make_notification(host)
    upper = str.upper
    with pytest.raises(exception.FailoverSegmentNotFound):
        api.failover_segment_update(upper(seg.uuid), {"description": "x"})
    with pytest.raises(exception.FailoverSegmentNotFound):
        api.failover_segment_delete(upper(seg.uuid))
    with pytest.raises(exception.HostNotFound):
        api.host_get_by_uuid(upper(host.uuid))
    with pytest.raises(exception.HostNotFoundUnderFailoverSegment):
        api.host_get_by_uuid(host.uuid, upper(seg.uuid))
    with pytest.raises(exception.HostNotFound):
        api.host_delete(upper(host.uuid))
    with pytest.raises(exception.NotificationNotFound):
        api.notification_get_by_uuid(upper(note.notification_uuid))
    with pytest.raises(exception.NotificationNotFound):
        api.notification_update(upper(note.notification_uuid),
                                {"status": "error"})
    assert api.failover_segment_get_by_uuid(seg.uuid).description is None
    assert api.host_get_by_uuid(host.uuid).deleted == 0


def test_rename_to_own_name_in_other_case(db):
    seg = make_segment("abc")
    assert api.failover_segment_update(seg.uuid, {"name": "ABC"}).name == "ABC"
    host = make_host(seg, "hostx")
    assert api.host_update(host.uuid, {"name": "HOSTX"}).name == "HOSTX"
