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
"""The models describe exactly upstream's schema."""

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from masakari.db import models

COMMON = ["created_at", "updated_at", "deleted_at", "deleted", "id"]
TABLES = {
    "failover_segments": (models.FailoverSegment, COMMON + [
        "uuid", "name", "service_type", "description", "recovery_method",
        "enabled"]),
    "hosts": (models.Host, COMMON + [
        "uuid", "name", "reserved", "type", "control_attributes",
        "failover_segment_id", "on_maintenance"]),
    "notifications": (models.Notification, COMMON + [
        "notification_uuid", "generated_time", "source_host_uuid", "type",
        "payload", "status", "failover_segment_uuid", "message"]),
    "vmoves": (models.VMove, COMMON + [
        "uuid", "notification_uuid", "instance_uuid", "instance_name",
        "source_host", "dest_host", "start_time", "end_time", "type",
        "status", "message"]),
}
NOT_NULL = {
    "failover_segments": {"id", "uuid", "name", "service_type",
                          "recovery_method"},
    "hosts": {"id", "uuid", "name", "type", "control_attributes",
              "failover_segment_id"},
    "notifications": {"id", "notification_uuid", "generated_time",
                      "source_host_uuid", "type", "status"},
    "vmoves": {"id", "uuid", "notification_uuid", "instance_uuid",
               "instance_name"},
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_columns_in_order_with_nullability(name):
    model, columns = TABLES[name]
    table = model.__table__
    assert table.name == name
    assert [c.name for c in table.columns] == columns
    assert {c.name for c in table.columns if not c.nullable} == NOT_NULL[name]


def test_constraint_and_index_names():
    def uniques(model):
        return {c.name: tuple(col.name for col in c.columns)
                for c in model.__table__.constraints
                if isinstance(c, sa.UniqueConstraint)}

    assert uniques(models.FailoverSegment) == {
        "uniq_segments0uuid": ("uuid",),
        "uniq_segment0name0deleted": ("name", "deleted")}
    assert uniques(models.Host) == {
        "uniq_host0uuid": ("uuid",),
        "uniq_host0name0deleted": ("name", "deleted")}
    assert uniques(models.Notification) == {
        "uniq_notification0uuid": ("notification_uuid",)}
    assert uniques(models.VMove) == {"uniq_vmove0uuid": ("uuid",)}
    assert {i.name for i in models.FailoverSegment.__table__.indexes} == {
        "segments_service_type_idx"}
    assert {i.name for i in models.Host.__table__.indexes} == {
        "hosts_type_idx"}
    assert not models.Notification.__table__.indexes
    fks = list(models.Host.__table__.foreign_keys)
    assert [fk.target_fullname for fk in fks] == ["failover_segments.uuid"]


def test_enums_and_sqlite_rendering():
    method = models.FailoverSegment.__table__.c.recovery_method.type
    status = models.Notification.__table__.c.status.type
    assert (method.name, tuple(method.enums)) == (
        "recovery_methods", models.RECOVERY_METHODS)
    assert (status.name, tuple(status.enums)) == (
        "notification_status", models.NOTIFICATION_STATUSES)
    dialect = sqlite.dialect()
    assert method.compile(dialect=dialect) == "VARCHAR(13)"
    assert status.compile(dialect=dialect) == "VARCHAR(8)"


def test_host_segment_join_condition():
    sql = str(sa.select(models.Host).compile(dialect=sqlite.dialect()))
    assert "LEFT OUTER JOIN failover_segments" in sql
    join = sql.split("LEFT OUTER JOIN", 1)[1]
    assert "hosts.failover_segment_id = failover_segments_1.uuid" in join
    assert "hosts.deleted = " in join


def test_python_side_defaults():
    created = models.FailoverSegment.__table__.c.created_at.default.arg
    assert callable(created) and created(None).microsecond == 0
    assert models.Host.__table__.c.reserved.default.arg is False
    assert models.Host.__table__.c.on_maintenance.default.arg is False
    assert models.FailoverSegment.__table__.c.enabled.default.arg is True
    assert models.VMove.__table__.c.deleted.default.arg == 0
