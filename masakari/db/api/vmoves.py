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

"""DB API of the vm moves table."""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from masakari.db.api import base
from masakari.db import listing
from masakari.db import models
from masakari.db import session as db_session
from masakari.db.session import Database
from masakari import exception


def vmove_get_all_by_filters(
        database: Database, filters: dict | None = None,
        sort_keys: Sequence[str] | None = None,
        sort_dirs: Sequence[str] | None = None, limit: int | None = None,
        marker: Any = None) -> list[models.VMove]:
    return base.get_all(database, models.VMove, filters, sort_keys,
                        sort_dirs, limit, marker)


def vmove_get_by_uuid(database: Database,
                      uuid: str, notification_uuid: str | None = None
                      ) -> models.VMove:
    equal = {"uuid": uuid}
    if notification_uuid is not None:
        equal["notification_uuid"] = notification_uuid
    return base.one(database, models.VMove, exception.VMoveNotFound(id=uuid),
                    exact="uuid", **equal)


@db_session.retry
def vmove_create(database: Database, values: dict) -> models.VMove:
    vmove = models.VMove()
    base.apply_values(vmove, base.with_uuid(values))
    with database.writer() as session:
        session.add(vmove)
    return vmove


@db_session.retry
def vmove_update(database: Database, uuid: str, values: dict) -> models.VMove:
    with database.writer() as session:
        vmove = base.live(session, models.VMove, "uuid", uuid)
        if vmove is None:
            raise exception.VMoveNotFound(id=uuid)
        base.apply_values(vmove, values)
    return vmove


@db_session.retry
def vmove_update_each(database: Database,
                      updates: Sequence[tuple[str, dict]]) -> None:
    """Apply each (uuid, values) pair in one transaction (all or none).

    Raises VMoveNotFound, and changes nothing, if any uuid is unknown.
    """
    if not updates:
        return
    with database.writer() as session:
        for uuid, values in updates:
            vmove = base.live(session, models.VMove, "uuid", uuid)
            if vmove is None:
                raise exception.VMoveNotFound(id=uuid)
            base.apply_values(vmove, values)


@db_session.retry
def vmove_create_many(database: Database,
                      values_list: Sequence[dict]) -> list[models.VMove]:
    """Insert several vmoves in one transaction (all of them or none)."""
    rows = []
    for values in values_list:
        row = models.VMove()
        base.apply_values(row, base.with_uuid(values))
        rows.append(row)
    if rows:
        with database.writer() as session:
            session.add_all(rows)
    return rows


@db_session.retry
def vmove_update_many(database: Database,
                      uuids: Sequence[str], values: dict) -> int:
    """Apply the same ``values`` to several live vmoves in one statement.

    Returns the number of rows changed; unknown uuids are ignored.
    """
    uuids = list(uuids)
    columns = listing.column_keys(models.VMove)
    for key in values:
        if key not in columns:
            raise ValueError("VMove has no column %r" % key)
    if not uuids:
        return 0
    wanted = set(uuids)
    with database.writer() as session:
        # Exact matches only (MySQL collations ignore case), updated by id.
        ids = [row.id for row in session.execute(
            sa.select(models.VMove.id, models.VMove.uuid).where(
                models.VMove.deleted == 0, models.VMove.uuid.in_(wanted)))
               if row.uuid in wanted]
        if not ids:
            return 0
        stmt = sa.update(models.VMove).where(
            models.VMove.id.in_(ids)).values(**values).execution_options(
                synchronize_session=False)
        return session.execute(stmt).rowcount
