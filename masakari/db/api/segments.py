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

"""DB API of the failover segments table."""

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from oslo_db import exception as db_exc

from masakari.db.api import base
from masakari.db import listing
from masakari.db import models
from masakari.db import session as db_session
from masakari.db.session import Database
from masakari import exception


def failover_segment_get_all_by_filters(
        database: Database, filters: dict | None = None,
        sort_keys: Sequence[str] | None = None,
        sort_dirs: Sequence[str] | None = None, limit: int | None = None,
        marker: Any = None) -> list[models.FailoverSegment]:
    return base.get_all(database, models.FailoverSegment, filters,
                        sort_keys, sort_dirs, limit, marker)


def failover_segment_get_by_id(database: Database,
                               id: int) -> models.FailoverSegment:
    row_id = listing.marker_id(id)
    return base.one(database, models.FailoverSegment,
                    exception.FailoverSegmentNotFound(id=id), id=row_id or 0)


def failover_segment_get_by_uuid(database: Database,
                                 uuid: str) -> models.FailoverSegment:
    return base.one(database, models.FailoverSegment,
                    exception.FailoverSegmentNotFound(id=uuid), exact="uuid",
                    uuid=uuid)


def failover_segment_get_by_name(database: Database,
                                 name: str) -> models.FailoverSegment:
    return base.one(database, models.FailoverSegment,
                    exception.FailoverSegmentNotFoundByName(segment_name=name),
                    name=name)


@db_session.retry
def failover_segment_create(database: Database,
                            values: dict) -> models.FailoverSegment:
    values = base.with_uuid(values)
    segment = models.FailoverSegment()
    base.apply_values(segment, values)
    try:
        with database.writer() as session:
            if base.first(session, models.FailoverSegment,
                          models.FailoverSegment.name == values.get("name")):
                raise exception.FailoverSegmentExists(name=values["name"])
            session.add(segment)
    except db_exc.DBDuplicateEntry:
        raise exception.FailoverSegmentExists(name=values.get("name"))
    return segment


@db_session.retry
def failover_segment_update(database: Database, uuid: str, values: dict
                            ) -> models.FailoverSegment:
    try:
        with database.writer() as session:
            segment = base.live(session, models.FailoverSegment, "uuid", uuid)
            if segment is None:
                raise exception.FailoverSegmentNotFound(id=uuid)
            name = values.get("name")
            if name is not None and base.first(
                    session, models.FailoverSegment,
                    models.FailoverSegment.name == name,
                    models.FailoverSegment.id != segment.id):
                raise exception.FailoverSegmentExists(name=name)
            base.apply_values(segment, values)
    except db_exc.DBDuplicateEntry:
        raise exception.FailoverSegmentExists(name=values.get("name"))
    return segment


@db_session.retry
def failover_segment_delete(database: Database, uuid: str) -> None:
    """Soft-delete the segment and all its hosts in one transaction."""
    with database.writer() as session:
        segment = base.live(session, models.FailoverSegment, "uuid", uuid)
        if segment is None:
            raise exception.FailoverSegmentNotFound(id=uuid)
        session.execute(base.soft_delete_stmt(
            models.FailoverSegment, models.FailoverSegment.id == segment.id))
        session.execute(base.soft_delete_stmt(
            models.Host, models.Host.failover_segment_id == uuid))


def is_failover_segment_under_recovery(
        database: Database,
        segment_uuid: str,
        statuses: Iterable[str] = base.UNDER_RECOVERY_STATUSES) -> bool:
    """True if a notification in ``statuses`` comes from a live host of
    the segment (notifications' own ``deleted`` is not considered)."""
    hosts = sa.select(models.Host.uuid).where(
        models.Host.failover_segment_id == segment_uuid,
        models.Host.deleted == 0)
    query = sa.select(sa.func.count()).select_from(
        models.Notification).where(
            models.Notification.status.in_(list(statuses)),
            models.Notification.source_host_uuid.in_(hosts))
    with database.reader() as session:
        return session.scalar(query) > 0
