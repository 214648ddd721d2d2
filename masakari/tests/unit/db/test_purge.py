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
"""purge_deleted_rows on every available backend."""

import datetime

import pytest
import sqlalchemy as sa

from masakari.db import purge

NOW = datetime.datetime(2026, 11, 22, 4, 0, 0)
OLD = NOW - datetime.timedelta(days=40)
RECENT = NOW - datetime.timedelta(days=10)


def _set(db, table, row_id, **values):
    engine = db.engine()
    try:
        with engine.begin() as conn:
            meta = sa.MetaData()
            t = sa.Table(table, meta, autoload_with=conn)
            conn.execute(t.update().where(t.c.id == row_id).values(**values))
    finally:
        engine.dispose()


def _ids(db, table):
    engine = db.engine()
    try:
        with engine.connect() as conn:
            return sorted(conn.exec_driver_sql(
                "SELECT id FROM %s" % table).scalars())
    finally:
        engine.dispose()


def _run(db, age=30, max_rows=-1):
    engine = db.engine()
    try:
        return purge.purge_deleted_rows(engine, age, max_rows, now=NOW)
    finally:
        engine.dispose()


def _segment(db, name):
    return db.api.failover_segment_create({"name": name, "service_type": "C",
                                           "recovery_method": "auto"})


def _host(db, seg, name):
    return db.api.host_create({"name": name, "type": "C",
                               "control_attributes": "x",
                               "failover_segment_id": seg.uuid})


def _note(db, host, **kw):
    values = {"type": "VM", "source_host_uuid": host.uuid,
              "generated_time": NOW, "payload": kw.pop("payload", {})}
    return db.api.notification_create(values)


def test_purge_rules(db):
    old_seg, new_seg, live_seg = (_segment(db, "old"), _segment(db, "new"),
                                  _segment(db, "live"))
    old_host = _host(db, old_seg, "h-old")
    new_host = _host(db, new_seg, "h-new")
    live_host = _host(db, live_seg, "h-live")
    db.api.failover_segment_delete(old_seg.uuid)
    db.api.failover_segment_delete(new_seg.uuid)
    _set(db, "failover_segments", old_seg.id, deleted_at=OLD)
    _set(db, "hosts", old_host.id, deleted_at=OLD)
    _set(db, "failover_segments", new_seg.id, deleted_at=RECENT)
    _set(db, "hosts", new_host.id, deleted_at=RECENT)

    notes = {}
    for name, status, updated, delete in [
            ("old-finished", "finished", OLD, False),
            ("old-failed-deleted", "failed", OLD, True),
            ("old-ignored", "ignored", OLD, False),
            ("old-error", "error", OLD, False),
            ("old-running", "running", OLD, False),
            ("recent-finished", "finished", RECENT, False),
            ("null-updated", "finished", None, False)]:
        note = _note(db, live_host, payload={"n": name})
        db.api.notification_update(note.notification_uuid, {"status": status})
        if delete:
            db.api.notification_delete(note.notification_uuid)
        _set(db, "notifications", note.id, updated_at=updated)
        notes[name] = note.id
    vm_old = db.api.vmove_create({"notification_uuid": "n", "instance_uuid": "i",
                                  "instance_name": "a"})
    vm_live = db.api.vmove_create({"notification_uuid": "n",
                                   "instance_uuid": "i", "instance_name": "b"})
    _set(db, "vmoves", vm_old.id, deleted=vm_old.id, deleted_at=OLD)

    assert _run(db) == 6
    assert _ids(db, "failover_segments") == sorted([new_seg.id, live_seg.id])
    assert _ids(db, "hosts") == sorted([new_host.id, live_host.id])
    assert _ids(db, "notifications") == sorted(
        notes[n] for n in ("old-error", "old-running", "recent-finished",
                           "null-updated"))
    assert _ids(db, "vmoves") == [vm_live.id]
    # age 0 purges what is older than now
    assert _run(db, age=0) == 3


def test_parent_kept_while_a_child_row_remains(db):
    seg = _segment(db, "s")
    host = _host(db, seg, "h")
    db.api.failover_segment_delete(seg.uuid)
    _set(db, "failover_segments", seg.id, deleted_at=OLD)
    _set(db, "hosts", host.id, deleted_at=RECENT)
    assert _run(db) == 0
    assert _ids(db, "failover_segments") == [seg.id]


def test_max_rows_caps_the_total(db):
    segs = [_segment(db, "s%d" % i) for i in range(5)]
    for seg in segs:
        db.api.failover_segment_delete(seg.uuid)
        _set(db, "failover_segments", seg.id, deleted_at=OLD)
    assert _run(db, max_rows=2) == 2
    assert len(_ids(db, "failover_segments")) == 3
    assert _run(db, max_rows=10) == 3
    assert _ids(db, "failover_segments") == []


def test_api_wrapper(db):
    seg = _segment(db, "s")
    db.api.failover_segment_delete(seg.uuid)
    _set(db, "failover_segments", seg.id, deleted_at=OLD)
    assert db.api.purge_deleted_rows(30, -1) == 1


@pytest.mark.parametrize("age,max_rows", [(-1, -1), (1, 0), (1, -5)])
def test_bad_arguments(db, age, max_rows):
    with pytest.raises(ValueError):
        _run(db, age=age, max_rows=max_rows)
