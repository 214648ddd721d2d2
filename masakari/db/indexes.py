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
"""Indexes added on top of upstream's schema, outside the alembic chain.

The alembic revisions stay exactly upstream's, so a database remains usable
by upstream masakari and back.  These indexes are additive only: each one
is created by ``db sync`` when missing, and upstream's code never notices
them.  They keep the notification lists, the duplicate check and the
vmoves of a notification fast on tables with millions of rows.

On PostgreSQL ``created_at`` is indexed ``NULLS FIRST``: the lists sort
NULL as the smallest value (see :mod:`masakari.db.listing`), which there
reads ``ASC NULLS FIRST`` / ``DESC NULLS LAST``, and only an index built
that way serves the default list order.  SQLite and MySQL sort NULL first
in ascending order already.
"""

import dataclasses

import sqlalchemy as sa
from oslo_log import log as logging

LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ExtraIndex:
    """One index of ours: its name, table and columns, in order."""

    name: str
    table: str
    columns: tuple[str, ...]
    # Columns indexed NULLS FIRST on PostgreSQL.
    nulls_first: tuple[str, ...] = ()

    def ddl_index(self, dialect: str) -> sa.Index:
        """A stand-alone :class:`sqlalchemy.Index` for ``CREATE INDEX``."""
        table = sa.Table(self.table, sa.MetaData(),
                         *[sa.Column(c) for c in self.columns])
        terms = []
        for name in self.columns:
            column = table.c[name]
            if dialect == "postgresql" and name in self.nulls_first:
                terms.append(column.asc().nulls_first())
            else:
                terms.append(column)
        return sa.Index(self.name, *terms)


EXTRA_INDEXES: tuple[ExtraIndex, ...] = (
    # Every notification list: WHERE deleted = 0 ORDER BY created_at, id.
    ExtraIndex("notifications_created_at_idx", "notifications",
               ("deleted", "created_at", "id"), nulls_first=("created_at",)),
    # The duplicate check and the ?source_host_uuid filter.
    ExtraIndex("notifications_source_host_idx", "notifications",
               ("source_host_uuid", "type", "generated_time")),
    # ?status filters and the engine's periodic scans by status.
    ExtraIndex("notifications_status_idx", "notifications", ("status",)),
    # A notification's vmoves (list, soft delete with the notification).
    ExtraIndex("vmoves_notification_uuid_idx", "vmoves",
               ("notification_uuid",)),
)


def missing(connection: sa.engine.Connection) -> list[ExtraIndex]:
    """The extra indexes not present (by name); tables that do not exist
    (yet) are skipped."""
    inspector = sa.inspect(connection)
    tables = set(inspector.get_table_names())
    present: dict[str, set[str]] = {}
    out = []
    for index in EXTRA_INDEXES:
        if index.table not in tables:
            continue
        if index.table not in present:
            present[index.table] = {
                i["name"] for i in inspector.get_indexes(index.table)}
        if index.name not in present[index.table]:
            out.append(index)
    return out


def create_missing(connection: sa.engine.Connection) -> list[str]:
    """Create the extra indexes that are missing; returns their names.

    Idempotent: an index already there (by name) is left alone.  Each
    creation is logged first, since it can take a while on a big table.
    """
    created = []
    dialect = connection.dialect.name
    for index in missing(connection):
        LOG.info("Creating index %s on table %s (%s)", index.name,
                 index.table, ", ".join(index.columns))
        index.ddl_index(dialect).create(connection)
        created.append(index.name)
    return created
