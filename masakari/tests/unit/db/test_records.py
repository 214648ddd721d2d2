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
"""Reads return records with every column, typed as the ORM would type
them, and a host its segment (on every backend)."""

import datetime

from masakari.db import models
from masakari.db import records


FK_OFF = {
    "mysql": "SET FOREIGN_KEY_CHECKS = 0",
    "postgresql": "SET LOCAL session_replication_role = replica",
}


def _seed(db):
    seg = db.api.failover_segment_create({
        "name": "seg", "service_type": "COMPUTE",
        "recovery_method": "reserved_host", "description": "d"})
    host = db.api.host_create({"name": "h", "type": "COMPUTE",
                               "control_attributes": "SSH", "reserved": True,
                               "failover_segment_id": seg.uuid})
    return seg, host


def test_records_carry_every_column_with_python_types(db):
    seg, host = _seed(db)
    listed = db.api.failover_segment_get_all_by_filters()
    got = db.api.failover_segment_get_by_uuid(seg.uuid)
    for record in (listed[0], got):
        assert isinstance(record, records.Record)
        assert record.as_dict() == seg.as_dict()
        assert record.enabled is True
        assert record.deleted == 0
        assert isinstance(record.created_at, datetime.datetime)
        assert record.recovery_method == "reserved_host"
    assert set(got.as_dict()) == {
        attr.key for attr in
        models.FailoverSegment.__mapper__.column_attrs}


def test_host_records_bring_their_segment(db):
    seg, host = _seed(db)
    for record in (db.api.host_get_all_by_filters()[0],
                   db.api.host_get_by_uuid(host.uuid),
                   db.api.host_get_by_name("h")):
        assert record.as_dict() == host.as_dict()
        assert record.reserved is True and record.on_maintenance is False
        assert record.failover_segment.as_dict() == seg.as_dict()
        assert "failover_segment" not in record.as_dict()


def test_host_of_a_missing_segment_has_none(db):
    seg, host = _seed(db)
    engine = db.api.get_engine()
    with engine.begin() as conn:
        # Switch the foreign key check off for this one orphaning update.
        conn.exec_driver_sql(FK_OFF.get(engine.dialect.name, "SELECT 1"))
        conn.execute(models.Host.__table__.update().values(
            failover_segment_id="0" * 36))
        if engine.dialect.name == "mysql":  # a session setting
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 1")
    assert db.api.host_get_by_uuid(host.uuid).failover_segment is None


def test_records_are_detached_values(db):
    seg, _ = _seed(db)
    record = db.api.failover_segment_get_by_uuid(seg.uuid)
    record.name = "changed locally"
    assert db.api.failover_segment_get_by_uuid(seg.uuid).name == "seg"
    assert seg.uuid in repr(record)
