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

"""DB API behaviour for hosts, run on every available backend."""

import pytest

from masakari import exception
from masakari.tests.unit.db.rows import (make_host, make_notification,
                                         make_segment)


# --- hosts ------------------------------------------------------------------

def test_host_create_and_get(db):
    seg = make_segment(db)
    host = make_host(db, seg, reserved=True)
    assert host.reserved is True and host.on_maintenance is False
    assert host.failover_segment.uuid == seg.uuid
    got = db.api.host_get_by_uuid(host.uuid)
    assert got.failover_segment.name == "seg"
    assert db.api.host_get_by_uuid(host.uuid, seg.uuid).id == host.id
    assert db.api.host_get_by_id(host.id).uuid == host.uuid
    assert db.api.host_get_by_name("host").uuid == host.uuid


def test_host_not_found_messages(db):
    seg = make_segment(db)
    host = make_host(db, seg)
    with pytest.raises(exception.HostNotFound) as e:
        db.api.host_get_by_uuid("x")
    assert str(e.value) == "No host with id x."
    with pytest.raises(exception.HostNotFoundUnderFailoverSegment) as e:
        db.api.host_get_by_uuid(host.uuid, "other")
    assert str(e.value) == ("Host '%s' under failover_segment 'other' could "
                            "not be found." % host.uuid)
    with pytest.raises(exception.HostNotFoundByName) as e:
        db.api.host_get_by_name("zz")
    assert str(e.value) == "Host with name zz could not be found."


def test_host_create_needs_live_segment(db):
    seg = make_segment(db)
    db.api.failover_segment_delete(seg.uuid)
    with pytest.raises(exception.FailoverSegmentNotFound):
        make_host(db, seg)


def test_host_name_unique_globally_and_reusable(db):
    s1, s2 = make_segment(db, "a"), make_segment(db, "b")
    host = make_host(db, s1, "h")
    with pytest.raises(exception.HostExists) as e:
        make_host(db, s2, "h")
    assert str(e.value) == "Host with name h already exists."
    db.api.host_delete(host.uuid)
    assert make_host(db, s2, "h").failover_segment_id == s2.uuid
    with pytest.raises(exception.HostNotFound):
        db.api.host_delete(host.uuid)


def test_host_update(db):
    seg = make_segment(db)
    host = make_host(db, seg, "h1")
    make_host(db, seg, "h2")
    updated = db.api.host_update(host.uuid, {"on_maintenance": True,
                                             "reserved": True})
    assert updated.on_maintenance is True and updated.reserved is True
    assert updated.failover_segment.uuid == seg.uuid
    assert updated.updated_at is not None
    with pytest.raises(exception.HostExists):
        db.api.host_update(host.uuid, {"name": "h2"})
    with pytest.raises(exception.HostNotFound):
        db.api.host_update("missing", {"name": "h3"})


def test_host_filters_and_segment_join(db):
    s1, s2 = make_segment(db, "a"), make_segment(db, "b")
    make_host(db, s1, "h1", type="COMPUTE", on_maintenance=True)
    make_host(db, s1, "h2", type="OTHER", reserved=True)
    make_host(db, s2, "h3")

    def names(**filters):
        return sorted(h.name for h in db.api.host_get_all_by_filters(filters))

    assert names(failover_segment_id=s1.uuid) == ["h1", "h2"]
    assert names(failover_segment_id=s1.uuid, type="OTHER") == ["h2"]
    assert names(on_maintenance="true") == ["h1"]
    assert names(on_maintenance=False) == ["h2", "h3"]
    assert names(reserved="1") == ["h2"]
    assert names(name="h3") == ["h3"]
    assert names(control_attributes="ssh") == ["h1", "h2", "h3"]
    hosts = db.api.host_get_all_by_filters(sort_keys=["name"],
                                           sort_dirs=["asc"], limit=2)
    assert [(h.name, h.failover_segment.name) for h in hosts] == [
        ("h1", "a"), ("h2", "a")]


def test_under_recovery(db):
    seg = make_segment(db, "a")
    other = make_segment(db, "b")
    host = make_host(db, seg, "h1")
    assert db.api.is_failover_segment_under_recovery(seg.uuid) is False
    note = make_notification(db, host)
    assert db.api.is_failover_segment_under_recovery(seg.uuid) is True
    assert db.api.is_failover_segment_under_recovery(other.uuid) is False
    for status, expected in [("running", True), ("error", True),
                             ("finished", False), ("failed", False),
                             ("ignored", False)]:
        db.api.notification_update(note.notification_uuid, {"status": status})
        assert db.api.is_failover_segment_under_recovery(seg.uuid) is expected
    db.api.notification_update(note.notification_uuid, {"status": "new"})
    db.api.host_delete(host.uuid)
    assert db.api.is_failover_segment_under_recovery(seg.uuid) is False


def test_under_recovery_counts_deleted_notifications(db):
    seg = make_segment(db, "a")
    host = make_host(db, seg, "h1")
    note = make_notification(db, host)
    db.api.notification_delete(note.notification_uuid)
    assert db.api.is_failover_segment_under_recovery(seg.uuid) is True
