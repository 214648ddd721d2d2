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
import pytest

from masakari import exception
from masakari.tests.unit.db.rows import (make_host, make_notification,
                                         make_segment)


# --- segments ---------------------------------------------------------------

def test_segment_create_defaults(db):
    seg = make_segment(db, description="d")
    assert seg.id > 0
    assert len(seg.uuid) == 36
    assert seg.enabled is True
    assert seg.deleted == 0
    assert seg.created_at.microsecond == 0
    assert seg.updated_at is None and seg.deleted_at is None
    got = db.api.failover_segment_get_by_uuid(seg.uuid)
    assert (got.name, got.description, got.recovery_method) == (
        "seg", "d", "auto")
    assert db.api.failover_segment_get_by_id(seg.id).uuid == seg.uuid
    assert db.api.failover_segment_get_by_name("seg").uuid == seg.uuid


def test_segment_not_found_messages(db):
    with pytest.raises(exception.FailoverSegmentNotFound) as e:
        db.api.failover_segment_get_by_uuid("nope")
    assert str(e.value) == "No failover segment with id nope."
    assert e.value.code == 404
    with pytest.raises(exception.FailoverSegmentNotFound):
        db.api.failover_segment_get_by_id("abc")
    with pytest.raises(exception.FailoverSegmentNotFoundByName):
        db.api.failover_segment_get_by_name("x")


def test_segment_uuid_lookup_is_exact(db):
    seg = make_segment(db)
    with pytest.raises(exception.FailoverSegmentNotFound):
        db.api.failover_segment_get_by_uuid(seg.uuid.upper())


def test_segment_duplicate_name(db):
    make_segment(db, "a")
    with pytest.raises(exception.FailoverSegmentExists) as e:
        make_segment(db, "a")
    assert str(e.value) == "Failover segment with name a already exists."
    assert e.value.code == 409


def test_segment_name_reusable_after_delete(db):
    first = make_segment(db, "a")
    db.api.failover_segment_delete(first.uuid)
    second = make_segment(db, "a")
    assert second.uuid != first.uuid
    db.api.failover_segment_delete(second.uuid)
    third = make_segment(db, "a")
    assert db.api.failover_segment_get_by_name("a").uuid == third.uuid


def test_segment_update(db):
    seg = make_segment(db, "a")
    make_segment(db, "b")
    updated = db.api.failover_segment_update(seg.uuid, {"description": "x",
                                                        "enabled": False})
    assert updated.description == "x" and updated.enabled is False
    assert updated.updated_at is not None
    assert updated.updated_at.microsecond == 0
    with pytest.raises(exception.FailoverSegmentExists):
        db.api.failover_segment_update(seg.uuid, {"name": "b"})
    # renaming to its own name is fine
    assert db.api.failover_segment_update(seg.uuid, {"name": "a"}).name == "a"
    with pytest.raises(exception.FailoverSegmentNotFound):
        db.api.failover_segment_update("missing", {"name": "c"})


def test_segment_update_without_change_keeps_updated_at(db):
    seg = make_segment(db, "a", description="d")
    same = db.api.failover_segment_update(seg.uuid, {"description": "d"})
    assert same.updated_at is None


def test_segment_delete_cascades_to_hosts(db):
    seg = make_segment(db, "a")
    other = make_segment(db, "b")
    make_host(db, seg, "h1")
    make_host(db, seg, "h2")
    kept = make_host(db, other, "h3")
    db.api.failover_segment_delete(seg.uuid)
    assert [h.uuid for h in db.api.host_get_all_by_filters()] == [kept.uuid]
    with pytest.raises(exception.FailoverSegmentNotFound):
        db.api.failover_segment_get_by_uuid(seg.uuid)
    with pytest.raises(exception.FailoverSegmentNotFound):
        db.api.failover_segment_delete(seg.uuid)
    # host names are reusable after the cascade
    make_host(db, other, "h1")


def test_soft_delete_columns(db):
    seg = make_segment(db, "a")
    db.api.failover_segment_delete(seg.uuid)
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
    make_segment(db, "a", recovery_method="auto", enabled=True)
    make_segment(db, "b", recovery_method="reserved_host", enabled=False)
    make_segment(db, "c", recovery_method="auto", service_type="OTHER")

    def names(**filters):
        return sorted(s.name for s in
                      db.api.failover_segment_get_all_by_filters(filters))

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

def _seed_segments(db, n=5):
    return [make_segment(db, "s%d" % i, description=None if i % 2 else "d%d" % i)
            for i in range(n)]


def test_default_order_is_created_at_desc_id_desc(db):
    segs = _seed_segments(db)
    got = db.api.failover_segment_get_all_by_filters()
    assert [s.id for s in got] == sorted((s.id for s in segs), reverse=True)


def test_sort_keys_and_dirs(db):
    _seed_segments(db)
    got = db.api.failover_segment_get_all_by_filters(sort_keys=["name"],
                                                     sort_dirs=["asc"])
    assert [s.name for s in got] == ["s0", "s1", "s2", "s3", "s4"]
    got = db.api.failover_segment_get_all_by_filters(sort_keys=[" name "],
                                                     sort_dirs=[" desc"])
    assert [s.name for s in got] == ["s4", "s3", "s2", "s1", "s0"]


@pytest.mark.parametrize("key", ["bogus", "", "name,id", "failover_segment"])
def test_invalid_sort_key(db, key):
    with pytest.raises(exception.InvalidSortKey) as e:
        db.api.host_get_all_by_filters(sort_keys=[key])
    assert e.value.code == 400
    assert str(e.value) == (
        'Sort key supplied is invalid: %s' % key.strip())


def test_invalid_sort_dirs(db):
    with pytest.raises(exception.InvalidInput) as e:
        db.api.failover_segment_get_all_by_filters(sort_keys=["name"],
                                                   sort_dirs=["up"])
    assert str(e.value) == ("Invalid input received: Unknown sort "
                            "direction, must be 'asc' or 'desc'")
    with pytest.raises(exception.InvalidInput) as e:
        db.api.failover_segment_get_all_by_filters(sort_keys=["name"],
                                                   sort_dirs=["asc", "asc"])
    assert str(e.value) == ("Invalid input received: Sort direction size "
                            "exceeds sort key size")


@pytest.mark.parametrize("key", ["id", "uuid", "name", "description",
                                 "updated_at", "recovery_method", "deleted",
                                 "enabled", "service_type"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_keyset_pagination_matches_full_listing(db, key, direction):
    segs = _seed_segments(db, 5)
    db.api.failover_segment_update(segs[1].uuid, {"recovery_method": "rh_priority",
                                                  "enabled": False})
    db.api.failover_segment_update(
        segs[3].uuid, {"recovery_method": "auto_priority"})
    full = [s.id for s in db.api.failover_segment_get_all_by_filters(
        sort_keys=[key], sort_dirs=[direction])]
    assert sorted(full) == sorted(s.id for s in segs)
    paged, marker = [], None
    for _ in range(10):
        page = db.api.failover_segment_get_all_by_filters(
            sort_keys=[key], sort_dirs=[direction], limit=2, marker=marker)
        if not page:
            break
        paged.extend(s.id for s in page)
        marker = page[-1].id
    assert paged == full


def test_limit_and_marker(db):
    segs = _seed_segments(db, 3)
    assert db.api.failover_segment_get_all_by_filters(limit=0) == []
    assert len(db.api.failover_segment_get_all_by_filters(limit=2)) == 2
    last = db.api.failover_segment_get_all_by_filters(
        sort_keys=["id"], sort_dirs=["asc"])[-1]
    assert db.api.failover_segment_get_all_by_filters(
        sort_keys=["id"], sort_dirs=["asc"], marker=last.id) == []
    after_first = db.api.failover_segment_get_all_by_filters(
        sort_keys=["id"], sort_dirs=["asc"], marker=str(segs[0].id))
    assert [s.id for s in after_first] == [segs[1].id, segs[2].id]


@pytest.mark.parametrize("marker", ["abc", "", "99999", 99999,
                                    "1f0d2a0c-4a3b-4c5d-8e9f-0a1b2c3d4e5f",
                                    "99999999999999999999"])
def test_marker_not_found(db, marker):
    _seed_segments(db, 1)
    with pytest.raises(exception.MarkerNotFound) as e:
        db.api.failover_segment_get_all_by_filters(marker=marker)
    assert str(e.value) == "Marker %s could not be found." % marker


def test_marker_must_not_be_deleted(db):
    seg = make_segment(db, "a")
    db.api.failover_segment_delete(seg.uuid)
    with pytest.raises(exception.MarkerNotFound):
        db.api.failover_segment_get_all_by_filters(marker=seg.id)


def test_marker_ignores_filters(db):
    a = make_segment(db, "a", service_type="X")
    make_segment(db, "b", service_type="Y")
    got = db.api.failover_segment_get_all_by_filters(
        {"service_type": "Y"}, marker=a.id, sort_keys=["id"],
        sort_dirs=["asc"])
    assert [s.name for s in got] == ["b"]


def test_update_rejects_unknown_column(db):
    seg = make_segment(db)
    with pytest.raises(ValueError):
        db.api.failover_segment_update(seg.uuid, {"bogus": 1})


def test_uuid_variants_never_match(db):
    """MySQL collations are case-insensitive; identifiers must not be."""
    seg = make_segment(db)
    host = make_host(db, seg)
    note = make_notification(db, host)
    upper = str.upper
    with pytest.raises(exception.FailoverSegmentNotFound):
        db.api.failover_segment_update(upper(seg.uuid), {"description": "x"})
    with pytest.raises(exception.FailoverSegmentNotFound):
        db.api.failover_segment_delete(upper(seg.uuid))
    with pytest.raises(exception.HostNotFound):
        db.api.host_get_by_uuid(upper(host.uuid))
    with pytest.raises(exception.HostNotFoundUnderFailoverSegment):
        db.api.host_get_by_uuid(host.uuid, upper(seg.uuid))
    with pytest.raises(exception.HostNotFound):
        db.api.host_delete(upper(host.uuid))
    with pytest.raises(exception.NotificationNotFound):
        db.api.notification_get_by_uuid(upper(note.notification_uuid))
    with pytest.raises(exception.NotificationNotFound):
        db.api.notification_update(upper(note.notification_uuid),
                                   {"status": "error"})
    assert db.api.failover_segment_get_by_uuid(seg.uuid).description is None
    assert db.api.host_get_by_uuid(host.uuid).deleted == 0


def test_rename_to_own_name_in_other_case(db):
    seg = make_segment(db, "abc")
    assert db.api.failover_segment_update(
        seg.uuid, {"name": "ABC"}).name == "ABC"
    host = make_host(db, seg, "hostx")
    assert db.api.host_update(host.uuid, {"name": "HOSTX"}).name == "HOSTX"
