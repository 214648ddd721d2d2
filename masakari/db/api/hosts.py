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

"""DB API of the hosts table."""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from oslo_db import exception as db_exc

from masakari.db.api import base
from masakari.db import listing
from masakari.db import models
from masakari.db import session as db_session
from masakari.db.session import Database
from masakari import exception


def host_get_all_by_filters(
        database: Database, filters: dict | None = None,
        sort_keys: Sequence[str] | None = None,
        sort_dirs: Sequence[str] | None = None, limit: int | None = None,
        marker: Any = None) -> list[models.Host]:
    return base.get_all(database, models.Host, filters, sort_keys,
                        sort_dirs, limit, marker)


def host_get_by_uuid(database: Database,
                     uuid: str, segment_uuid: str | None = None
                     ) -> models.Host:
    equal = {"uuid": uuid}
    not_found: exception.MasakariException = exception.HostNotFound(id=uuid)
    if segment_uuid is not None:
        equal["failover_segment_id"] = segment_uuid
        not_found = exception.HostNotFoundUnderFailoverSegment(
            host_uuid=uuid, segment_uuid=segment_uuid)
    host = base.one(database, models.Host, not_found, exact="uuid", **equal)
    if segment_uuid is not None and host.failover_segment_id != segment_uuid:
        raise not_found
    return host


def host_get_by_id(database: Database, id: int) -> models.Host:
    row_id = listing.marker_id(id)
    return base.one(database, models.Host, exception.HostNotFound(id=id),
                    id=row_id or 0)


def host_get_by_name(database: Database, name: str) -> models.Host:
    return base.one(database, models.Host,
                    exception.HostNotFoundByName(host_name=name), name=name)


def _reload_host(session, host_id: int) -> models.Host:
    session.flush()
    session.expire_all()
    return session.scalars(sa.select(models.Host).where(
        models.Host.id == host_id)).one()


@db_session.retry
def host_create(database: Database, values: dict) -> models.Host:
    values = base.with_uuid(values)
    host = models.Host()
    base.apply_values(host, values)
    try:
        with database.writer() as session:
            segment_uuid = values.get("failover_segment_id")
            if base.first(session, models.FailoverSegment,
                          models.FailoverSegment.uuid == segment_uuid) is None:
                raise exception.FailoverSegmentNotFound(id=segment_uuid)
            if base.first(session, models.Host,
                          models.Host.name == values.get("name")):
                raise exception.HostExists(name=values["name"])
            session.add(host)
            session.flush()
            host = _reload_host(session, host.id)
    except db_exc.DBDuplicateEntry:
        raise exception.HostExists(name=values.get("name"))
    return host


@db_session.retry
def host_update(database: Database, uuid: str, values: dict) -> models.Host:
    try:
        with database.writer() as session:
            host = base.live(session, models.Host, "uuid", uuid)
            if host is None:
                raise exception.HostNotFound(id=uuid)
            name = values.get("name")
            if name is not None and base.first(
                    session, models.Host, models.Host.name == name,
                    models.Host.id != host.id):
                raise exception.HostExists(name=name)
            base.apply_values(host, values)
            host = _reload_host(session, host.id)
    except db_exc.DBDuplicateEntry:
        raise exception.HostExists(name=values.get("name"))
    return host


@db_session.retry
def host_delete(database: Database, uuid: str) -> None:
    with database.writer() as session:
        host = base.live(session, models.Host, "uuid", uuid)
        if host is None:
            raise exception.HostNotFound(id=uuid)
        session.execute(base.soft_delete_stmt(models.Host,
                                              models.Host.id == host.id))
