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
"""Initial schema: failover_segments, notifications, hosts.

Revision ID: 8f848eb45d03
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "8f848eb45d03"
down_revision = None
branch_labels = None
depends_on = None

TABLE_ARGS = {"mysql_engine": "InnoDB", "mysql_charset": "utf8"}


def common_columns() -> list[sa.Column]:
    """The five leading columns every table has (id and the
    timestamps and soft-delete flag)."""
    return [
        sa.Column("created_at", sa.DateTime, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=True),
        sa.Column("deleted_at", sa.DateTime, nullable=True),
        sa.Column("deleted", sa.Integer, nullable=True),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True,
                  nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "failover_segments",
        *common_columns(),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("service_type", sa.String(255), nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("recovery_method",
                  sa.Enum("auto", "reserved_host", "auto_priority",
                          "rh_priority", name="recovery_methods"),
                  nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=True),
        sa.UniqueConstraint("uuid", name="uniq_segments0uuid"),
        sa.UniqueConstraint("name", "deleted",
                            name="uniq_segment0name0deleted"),
        sa.Index("segments_service_type_idx", "service_type"),
        **TABLE_ARGS,
    )
    op.create_table(
        "notifications",
        *common_columns(),
        sa.Column("notification_uuid", sa.String(36), nullable=False),
        sa.Column("generated_time", sa.DateTime, nullable=False),
        sa.Column("source_host_uuid", sa.String(36), nullable=False),
        sa.Column("type", sa.String(36), nullable=False),
        sa.Column("payload", sa.Text, nullable=True),
        sa.Column("status",
                  sa.Enum("new", "running", "error", "failed", "ignored",
                          "finished", name="notification_status"),
                  nullable=False),
        sa.UniqueConstraint("notification_uuid",
                            name="uniq_notification0uuid"),
        **TABLE_ARGS,
    )
    op.create_table(
        "hosts",
        *common_columns(),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("reserved", sa.Boolean, nullable=True),
        sa.Column("type", sa.String(255), nullable=False),
        sa.Column("control_attributes", sa.Text, nullable=False),
        sa.Column("failover_segment_id", sa.String(36), nullable=False),
        sa.Column("on_maintenance", sa.Boolean, nullable=True),
        sa.ForeignKeyConstraint(["failover_segment_id"],
                                ["failover_segments.uuid"]),
        sa.UniqueConstraint("uuid", name="uniq_host0uuid"),
        sa.UniqueConstraint("name", "deleted", name="uniq_host0name0deleted"),
        sa.Index("hosts_type_idx", "type"),
        **TABLE_ARGS,
    )
