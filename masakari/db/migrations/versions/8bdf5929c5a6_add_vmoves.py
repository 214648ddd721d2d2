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
"""Add the vmoves table.

Revision ID: 8bdf5929c5a6
Revises: 8f848eb45d03
"""

import importlib

import sqlalchemy as sa
from alembic import op

revision = "8bdf5929c5a6"
down_revision = "8f848eb45d03"
branch_labels = None
depends_on = None

_initial = importlib.import_module(
    "masakari.db.migrations.versions.8f848eb45d03_initial")


def upgrade() -> None:
    op.create_table(
        "vmoves",
        *_initial.common_columns(),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("notification_uuid", sa.String(36), nullable=False),
        sa.Column("instance_uuid", sa.String(36), nullable=False),
        sa.Column("instance_name", sa.String(255), nullable=False),
        sa.Column("source_host", sa.String(255), nullable=True),
        sa.Column("dest_host", sa.String(255), nullable=True),
        sa.Column("start_time", sa.DateTime, nullable=True),
        sa.Column("end_time", sa.DateTime, nullable=True),
        sa.Column("type", sa.String(36), nullable=True),
        sa.Column("status", sa.String(255), nullable=True),
        sa.Column("message", sa.Text, nullable=True),
        sa.UniqueConstraint("uuid", name="uniq_vmove0uuid"),
        **_initial.TABLE_ARGS,
    )
