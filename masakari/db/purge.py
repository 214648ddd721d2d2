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
"""Hard deletion of old rows (``masakari-manage db purge``).

Every reflected table with a ``deleted`` column is visited, children before
parents.  ``notifications`` loses rows in a terminal status whose
``updated_at`` is older than the cutoff (deleted or not); the other tables
lose soft-deleted rows whose ``deleted_at`` is older than the cutoff.  A
parent row still referenced by a remaining child row is kept, so a purge
never fails on a foreign key.
"""

import datetime

import sqlalchemy as sa
from oslo_utils import timeutils

TERMINAL_STATUSES = ("finished", "failed", "ignored")
# Rows per transaction: short enough that the API's writes to the same
# table never wait long behind one.
BATCH = 2000


def _candidates(metadata: sa.MetaData, table: sa.Table,
                cutoff: datetime.datetime):
    if table.name == "notifications":
        query = sa.select(table.c.id).where(
            table.c.updated_at < cutoff,
            table.c.status.in_(TERMINAL_STATUSES))
    else:
        query = sa.select(table.c.id).where(table.c.deleted_at < cutoff)
    for child in metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table:
                query = query.where(~sa.exists().where(
                    fk.parent == fk.column))
    return query


def purge_deleted_rows(engine: sa.engine.Engine, age_in_days: int,
                       max_rows: int, now: datetime.datetime | None = None
                       ) -> int:
    """Delete rows older than ``age_in_days``; at most ``max_rows`` in
    total when it is positive (-1: no limit).  Returns rows deleted."""
    if age_in_days < 0:
        raise ValueError("age_in_days must be >= 0")
    if max_rows == 0 or max_rows < -1:
        raise ValueError("max_rows must be -1 or positive")
    cutoff = (now or timeutils.utcnow()) - datetime.timedelta(
        days=age_in_days)
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    tables = [t for t in reversed(metadata.sorted_tables)
              if "deleted" in t.c and "id" in t.c]
    total = 0
    for table in tables:
        last_id = None
        while max_rows < 0 or total < max_rows:
            batch = BATCH if max_rows < 0 else min(BATCH, max_rows - total)
            query = _candidates(metadata, table, cutoff)
            if last_id is not None:
                # Keyset: each batch starts after the previous one, so the
                # rows already deleted (dead until vacuumed) are not
                # scanned again and again.
                query = query.where(table.c.id > last_id)
            with engine.begin() as conn:
                ids = list(conn.execute(
                    query.order_by(table.c.id).limit(batch)).scalars())
                if not ids:
                    break
                conn.execute(sa.delete(table).where(table.c.id.in_(ids)))
            last_id = ids[-1]
            total += len(ids)
        if 0 < max_rows <= total:
            break
    return total
