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
"""SQLAlchemy models; the schema is upstream's column for column.

The indexes ``db sync`` adds on top of it are listed in
:mod:`masakari.db.indexes`, not here: the models stay upstream's schema.
"""

import datetime

import sqlalchemy as sa
from oslo_db.sqlalchemy import types as db_types
from oslo_utils import timeutils
from sqlalchemy import orm

RECOVERY_METHODS = ("auto", "reserved_host", "auto_priority", "rh_priority")
NOTIFICATION_STATUSES = ("new", "running", "error", "failed", "ignored",
                         "finished")
MYSQL_TABLE_ARGS = {"mysql_engine": "InnoDB", "mysql_charset": "utf8"}


def utcnow_seconds() -> datetime.datetime:
    """Naive UTC now with microseconds zeroed (created_at / updated_at)."""
    return timeutils.utcnow().replace(microsecond=0)


class Base(orm.DeclarativeBase):
    pass


class _Common:
    """Columns every table starts with, in upstream's physical order."""

    created_at = orm.mapped_column(sa.DateTime, default=utcnow_seconds,
                                   sort_order=-5)
    updated_at = orm.mapped_column(sa.DateTime, onupdate=utcnow_seconds,
                                   sort_order=-4)
    deleted_at = orm.mapped_column(sa.DateTime, sort_order=-3)
    deleted = orm.mapped_column(db_types.SoftDeleteInteger, default=0,
                                sort_order=-2)
    id = orm.mapped_column(sa.Integer, primary_key=True, autoincrement=True,
                           sort_order=-1)

    def as_dict(self) -> dict:
        return {c.key: getattr(self, c.key)
                for c in sa.inspect(type(self)).column_attrs}


class FailoverSegment(_Common, Base):
    __tablename__ = "failover_segments"
    __table_args__ = (
        sa.UniqueConstraint("uuid", name="uniq_segments0uuid"),
        sa.UniqueConstraint("name", "deleted",
                            name="uniq_segment0name0deleted"),
        sa.Index("segments_service_type_idx", "service_type"),
        MYSQL_TABLE_ARGS,
    )

    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255), nullable=False)
    service_type = sa.Column(sa.String(255), nullable=False)
    description = sa.Column(sa.Text)
    recovery_method = sa.Column(
        sa.Enum(*RECOVERY_METHODS, name="recovery_methods"), nullable=False)
    enabled = sa.Column(sa.Boolean, default=True)


class Host(_Common, Base):
    __tablename__ = "hosts"
    __table_args__ = (
        sa.UniqueConstraint("uuid", name="uniq_host0uuid"),
        sa.UniqueConstraint("name", "deleted", name="uniq_host0name0deleted"),
        sa.Index("hosts_type_idx", "type"),
        MYSQL_TABLE_ARGS,
    )

    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255), nullable=False)
    reserved = sa.Column(sa.Boolean, default=False)
    type = sa.Column(sa.String(255), nullable=False)
    control_attributes = sa.Column(sa.Text, nullable=False)
    failover_segment_id = sa.Column(
        sa.String(36), sa.ForeignKey("failover_segments.uuid"),
        nullable=False)
    on_maintenance = sa.Column(sa.Boolean, default=False)

    # NOTE: joined eagerly so a host is usable after its session closed;
    # upstream's join condition includes the host's own deleted flag.
    failover_segment = orm.relationship(
        FailoverSegment,
        primaryjoin="and_(foreign(Host.failover_segment_id) == "
                    "FailoverSegment.uuid, Host.deleted == 0)",
        lazy="joined", innerjoin=False, viewonly=True)


class Notification(_Common, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("notification_uuid",
                            name="uniq_notification0uuid"),
        MYSQL_TABLE_ARGS,
    )

    notification_uuid = sa.Column(sa.String(36), nullable=False)
    generated_time = sa.Column(sa.DateTime, nullable=False)
    source_host_uuid = sa.Column(sa.String(36), nullable=False)
    type = sa.Column(sa.String(36), nullable=False)
    payload = sa.Column(sa.Text)
    status = sa.Column(
        sa.Enum(*NOTIFICATION_STATUSES, name="notification_status"),
        nullable=False)
    failover_segment_uuid = sa.Column(sa.String(36), nullable=True)
    message = sa.Column(sa.Text)


class VMove(_Common, Base):
    __tablename__ = "vmoves"
    __table_args__ = (
        sa.UniqueConstraint("uuid", name="uniq_vmove0uuid"),
        MYSQL_TABLE_ARGS,
    )

    uuid = sa.Column(sa.String(36), nullable=False)
    notification_uuid = sa.Column(sa.String(36), nullable=False)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    instance_name = sa.Column(sa.String(255), nullable=False)
    source_host = sa.Column(sa.String(255))
    dest_host = sa.Column(sa.String(255))
    start_time = sa.Column(sa.DateTime)
    end_time = sa.Column(sa.DateTime)
    type = sa.Column(sa.String(36))
    status = sa.Column(sa.String(255))
    message = sa.Column(sa.Text)
