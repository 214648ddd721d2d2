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

"""DB API behaviour for notifications and vmoves, on every backend."""

import datetime

import pytest

from masakari import exception
from masakari.tests.unit.db.rows import (NOW, make_host, make_notification,
                                         make_segment)


# --- notifications ----------------------------------------------------------

def test_notification_create(db):
    seg = make_segment(db)
    host = make_host(db, seg)
    aware = datetime.datetime(2026, 11, 22, 13, 0, 0, tzinfo=datetime.timezone(
        datetime.timedelta(hours=9)))
    note = make_notification(db, host, when=aware,
                             failover_segment_uuid=seg.uuid)
    assert note.status == "new"
    assert len(note.notification_uuid) == 36
    got = db.api.notification_get_by_uuid(note.notification_uuid)
    assert got.generated_time == NOW
    assert got.payload == '{"event": "STOPPED"}'
    assert got.failover_segment_uuid == seg.uuid
    assert got.message is None
    assert db.api.notification_get_by_id(note.id).id == note.id
    with pytest.raises(exception.NotificationNotFound) as e:
        db.api.notification_get_by_uuid("nope")
    assert str(e.value) == "No notification with id nope."


def test_duplicate_rule(db):
    seg = make_segment(db)
    host = make_host(db, seg, "h1")
    other = make_host(db, seg, "h2")
    first = make_notification(db, host, window=180)
    with pytest.raises(exception.DuplicateNotification) as e:
        make_notification(db, host, window=180,
                          when=NOW + datetime.timedelta(seconds=180))
    assert str(e.value) == ("Notification received from host h1 of type "
                            "COMPUTE_HOST is duplicate.")
    # no upper bound: an older report is a duplicate of a newer stored one
    with pytest.raises(exception.DuplicateNotification):
        make_notification(db, host, window=180,
                          when=NOW - datetime.timedelta(days=3))
    # any status counts
    db.api.notification_update(first.notification_uuid, {"status": "finished"})
    with pytest.raises(exception.DuplicateNotification):
        make_notification(db, host, window=180)
    # outside the window, other payload, other type, other host: accepted
    make_notification(db, host, window=180,
                      when=NOW + datetime.timedelta(seconds=181))
    make_notification(db, host, window=180, payload={"event": "STARTED"})
    make_notification(db, host, window=180, type="PROCESS")
    make_notification(db, other, window=180)
    # without a window there is no check
    make_notification(db, host)
    # deleted notifications do not count
    for n in db.api.notification_get_all_by_filters(
            {"source_host_uuid": other.uuid}):
        db.api.notification_delete(n.notification_uuid)
    make_notification(db, other, window=180)


def test_notification_filters(db):
    seg = make_segment(db)
    h1, h2 = make_host(db, seg, "h1"), make_host(db, seg, "h2")
    a = make_notification(db, h1, when=NOW, failover_segment_uuid=seg.uuid)
    b = make_notification(db, h2, when=NOW + datetime.timedelta(hours=1),
                          type="VM")
    db.api.notification_update(b.notification_uuid, {"status": "error"})

    def uuids(**filters):
        return sorted(n.notification_uuid for n in
                      db.api.notification_get_all_by_filters(filters))

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


def _seed_with_null_created_at(db):
    """Notifications whose created_at is NULL, tied or distinct; returns
    them in ascending list order (NULL smallest, then id)."""
    seg = make_segment(db)
    host = make_host(db, seg)
    early, late = NOW, NOW + datetime.timedelta(hours=1)
    stamps = [late, None, early, None, late, early, None]
    notes = [make_notification(db, host, created_at=stamp,
                               when=NOW + datetime.timedelta(minutes=i))
             for i, stamp in enumerate(stamps)]
    return sorted(notes, key=lambda n: (n.created_at is not None,
                                        n.created_at or NOW, n.id))


@pytest.mark.parametrize("direction", ["asc", "desc", None])
@pytest.mark.parametrize("filters", [{}, {"status": "new"}])
def test_null_created_at_is_the_smallest(db, direction, filters):
    """The default order (created_at, id) puts NULL created_at first
    ascending and last descending on every backend, pages included."""
    ascending = _seed_with_null_created_at(db)
    expected = [n.id for n in (ascending if direction == "asc"
                               else reversed(ascending))]
    dirs = [direction] if direction else None
    full = db.api.notification_get_all_by_filters(dict(filters),
                                                  sort_dirs=dirs)
    assert [n.id for n in full] == expected
    paged, marker = [], None
    for _ in range(len(expected) + 1):
        page = db.api.notification_get_all_by_filters(
            dict(filters), sort_dirs=dirs, limit=2, marker=marker)
        if not page:
            break
        paged.extend(n.id for n in page)
        marker = page[-1].id
    assert paged == expected


def test_notification_cas_update(db):
    seg = make_segment(db)
    host = make_host(db, seg)
    note = make_notification(db, host)
    running = db.api.notification_update(note.notification_uuid,
                                         {"status": "running"},
                                         expected_status="new")
    assert running.status == "running" and running.updated_at is not None
    with pytest.raises(exception.NotificationStatusConflict) as e:
        db.api.notification_update(note.notification_uuid,
                                   {"status": "running"},
                                   expected_status=["new", "error"])
    assert e.value.code == 409
    assert db.api.notification_get_by_uuid(
        note.notification_uuid).status == "running"
    stamp = running.updated_at
    renewed = db.api.notification_update(
        note.notification_uuid,
        {"updated_at": stamp + datetime.timedelta(seconds=5)},
        expected_updated_at=stamp)
    assert renewed.updated_at == stamp + datetime.timedelta(seconds=5)
    with pytest.raises(exception.NotificationStatusConflict):
        db.api.notification_update(
            note.notification_uuid, {"message": "x"},
            expected_updated_at=stamp)
    done = db.api.notification_update(note.notification_uuid,
                                      {"status": "finished", "message": "ok"},
                                      expected_status="running")
    assert (done.status, done.message) == ("finished", "ok")
    with pytest.raises(exception.NotificationNotFound):
        db.api.notification_update("missing", {"status": "error"})


def test_notification_delete_cascades_to_vmoves(db):
    seg = make_segment(db)
    host = make_host(db, seg)
    note = make_notification(db, host)
    db.api.vmove_create({"notification_uuid": note.notification_uuid,
                         "instance_uuid": "i1", "instance_name": "vm1"})
    db.api.notification_delete(note.notification_uuid)
    assert db.api.vmove_get_all_by_filters(
        {"notification_uuid": note.notification_uuid}) == []
    with pytest.raises(exception.NotificationNotFound):
        db.api.notification_delete(note.notification_uuid)


# --- vmoves -----------------------------------------------------------------

def test_vmoves(db):
    seg = make_segment(db)
    host = make_host(db, seg)
    note = make_notification(db, host)
    vm = db.api.vmove_create({"notification_uuid": note.notification_uuid,
                              "instance_uuid": "i1", "instance_name": "vm1",
                              "source_host": "host", "type": "evacuation",
                              "status": "pending"})
    db.api.vmove_create({"notification_uuid": note.notification_uuid,
                         "instance_uuid": "i2", "instance_name": "vm2",
                         "type": "evacuation", "status": "pending"})
    moved = db.api.vmove_update(vm.uuid, {"status": "succeeded",
                                          "dest_host": "other",
                                          "end_time": NOW})
    assert moved.status == "succeeded" and moved.updated_at is not None
    got = db.api.vmove_get_by_uuid(vm.uuid, note.notification_uuid)
    assert (got.dest_host, got.end_time) == ("other", NOW)
    with pytest.raises(exception.VMoveNotFound) as e:
        db.api.vmove_get_by_uuid(vm.uuid, "other")
    assert str(e.value) == "No vm move with id %s." % vm.uuid
    assert [v.instance_name for v in db.api.vmove_get_all_by_filters(
        {"notification_uuid": note.notification_uuid, "status": "pending"})
    ] == ["vm2"]
    assert len(db.api.vmove_get_all_by_filters(
        {"type": "evacuation"}, sort_keys=["instance_name"],
        sort_dirs=["asc"], limit=1)) == 1
    with pytest.raises(exception.VMoveNotFound):
        db.api.vmove_update("missing", {"status": "failed"})


def test_vmove_update_each_is_one_transaction(db):
    note = make_notification(db, make_host(db, make_segment(db)))
    base = {"notification_uuid": note.notification_uuid,
            "type": "evacuation", "status": "ongoing"}
    one, two = db.api.vmove_create_many(
        [dict(base, instance_uuid="i%d" % n, instance_name="vm%d" % n)
         for n in range(2)])
    db.api.vmove_update_each([
        (one.uuid, {"status": "succeeded", "dest_host": "h2",
                    "end_time": NOW}),
        (two.uuid, {"status": "failed", "message": "No valid host"}),
    ])
    got = {v.uuid: v for v in db.api.vmove_get_all_by_filters(
        {"notification_uuid": note.notification_uuid})}
    assert (got[one.uuid].status, got[one.uuid].dest_host,
            got[one.uuid].end_time) == ("succeeded", "h2", NOW)
    assert (got[two.uuid].status, got[two.uuid].message) == (
        "failed", "No valid host")
    # All or nothing: an unknown uuid changes none of them.
    with pytest.raises(exception.VMoveNotFound):
        db.api.vmove_update_each([(one.uuid, {"status": "failed"}),
                                  ("missing", {"status": "failed"})])
    assert db.api.vmove_get_by_uuid(one.uuid).status == "succeeded"
    db.api.vmove_update_each([])


def test_vmove_bulk_create_and_update(db):
    seg = make_segment(db)
    host = make_host(db, seg)
    note = make_notification(db, host)
    other = make_notification(db, make_host(db, seg, name="host2"))
    base = {"notification_uuid": note.notification_uuid,
            "type": "evacuation", "status": "pending"}
    created = db.api.vmove_create_many(
        [dict(base, instance_uuid="i%d" % n, instance_name="vm%d" % n)
         for n in range(3)])
    assert [v.instance_uuid for v in created] == ["i0", "i1", "i2"]
    assert len({v.uuid for v in created}) == 3
    assert db.api.vmove_create_many([]) == []
    foreign = db.api.vmove_create(dict(
        base, notification_uuid=other.notification_uuid, instance_uuid="x",
        instance_name="x"))
    uuids = [created[0].uuid, created[2].uuid]
    changed = db.api.vmove_update_many(
        uuids + [created[1].uuid.upper(), "missing"],
        {"status": "ongoing", "start_time": NOW})
    assert changed == 2
    got = {v.instance_uuid: v for v in db.api.vmove_get_all_by_filters(
        {"notification_uuid": note.notification_uuid})}
    assert {k: v.status for k, v in got.items()} == {
        "i0": "ongoing", "i1": "pending", "i2": "ongoing"}
    assert got["i0"].start_time == NOW and got["i0"].updated_at is not None
    assert db.api.vmove_get_by_uuid(foreign.uuid).status == "pending"
    assert db.api.vmove_update_many([], {"status": "failed"}) == 0
    with pytest.raises(ValueError):
        db.api.vmove_update_many(uuids, {"bogus": 1})
    with pytest.raises(ValueError):
        db.api.vmove_create_many([dict(base, bogus=1)])
    assert len(db.api.vmove_get_all_by_filters(
        {"notification_uuid": note.notification_uuid})) == 3


def _for_host(db, hostname, window=180, check_host=None, **kw):
    values = {"type": "COMPUTE_HOST", "generated_time": NOW,
              "payload": {"event": "STOPPED"}}
    values.update(kw)
    return db.api.notification_create_for_host(
        hostname, values, duplicate_window=window, check_host=check_host)


def test_notification_create_for_host(db):
    seg = make_segment(db)
    host = make_host(db, seg, "h1")
    seen = []
    note = _for_host(db, "h1", check_host=seen.append)
    assert [(h.uuid, h.name, h.failover_segment_id) for h in seen] == [
        (host.uuid, "h1", seg.uuid)]
    got = db.api.notification_get_by_uuid(note.notification_uuid)
    assert got.source_host_uuid == host.uuid
    assert got.failover_segment_uuid == seg.uuid
    assert got.status == "new"
    with pytest.raises(exception.DuplicateNotification) as e:
        _for_host(db, "h1")
    assert "from host h1 of type COMPUTE_HOST" in str(e.value)
    assert len(db.api.notification_get_all_by_filters()) == 1


def test_notification_create_for_host_refusals_store_nothing(db):
    seg = make_segment(db)
    host = make_host(db, seg, "h1")
    with pytest.raises(exception.HostNotFoundByName):
        _for_host(db, "nope")
    db.api.host_delete(host.uuid)
    with pytest.raises(exception.HostNotFoundByName):
        _for_host(db, "h1")
    make_host(db, seg, "h2", on_maintenance=True)

    def refuse(row):
        assert row.on_maintenance
        raise exception.HostOnMaintenanceError(host_name=row.name,
                                               notification_type="VM")

    with pytest.raises(exception.HostOnMaintenanceError):
        _for_host(db, "h2", check_host=refuse)
    assert db.api.notification_get_all_by_filters() == []
