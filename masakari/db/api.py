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
"""The DB API: module-level functions over the main database.

No request context is taken; every function opens its own transaction.
Reads return records (:mod:`masakari.db.records`: column values as
attributes, a host with its ``failover_segment``); writes return the ORM
instance they stored, usable after the session closed.  Reads and
uniqueness checks only consider rows with ``deleted = 0``.
"""

import datetime
import functools
import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_utils import timeutils
from oslo_utils import uuidutils

from masakari.db import listing
from masakari.db import models
from masakari.db import purge
from masakari.db import records
from masakari.db import session as db_session
from masakari import exception

configure = db_session.configure
dispose = db_session.dispose
get_engine = db_session.get_engine

UNDER_RECOVERY_STATUSES = ("new", "running", "error")
_UNSET: Any = object()

# Filter tables: query name -> (kind, column), see listing.apply_filters.
SEGMENT_FILTERS = {
    "recovery_method": ("eq", "recovery_method"),
    "service_type": ("eq", "service_type"),
    "enabled": ("bool", "enabled"),
}
HOST_FILTERS = {
    "failover_segment_id": ("eq", "failover_segment_id"),
    "type": ("eq", "type"),
    "on_maintenance": ("bool", "on_maintenance"),
    "reserved": ("bool", "reserved"),
    "name": ("eq", "name"),
    "control_attributes": ("eq", "control_attributes"),
}
NOTIFICATION_FILTERS = {
    "status": ("in", "status"),
    "source_host_uuid": ("eq", "source_host_uuid"),
    "type": ("eq", "type"),
    "failover_segment_uuid": ("eq", "failover_segment_uuid"),
    "generated_since": ("ge", "generated_time"),
    # For the engine's periodic work (not exposed by the REST API).
    "generated_before": ("lt", "generated_time"),
    "created_before": ("lt", "created_at"),
    "created_since": ("ge", "created_at"),
    "updated_before": ("lt", "updated_at"),
    "notification_uuid": ("in", "notification_uuid"),
}
VMOVE_FILTERS = {
    "notification_uuid": ("eq", "notification_uuid"),
    "status": ("eq", "status"),
    "type": ("eq", "type"),
}
# The filters each list accepts, by model.
_FILTER_SPECS = {
    models.FailoverSegment: SEGMENT_FILTERS,
    models.Host: HOST_FILTERS,
    models.Notification: NOTIFICATION_FILTERS,
    models.VMove: VMOVE_FILTERS,
}


# --- generic helpers -------------------------------------------------------

def _get_all(model: type, filters: dict | None,
             sort_keys: Sequence[str] | None, sort_dirs: Sequence[str] | None,
             limit: int | None, marker: Any) -> list:
    order = tuple(listing.resolve_sort(model, sort_keys, sort_dirs))
    if limit is not None:
        limit = int(limit)
        if limit <= 0:
            return []
    key = None if marker is not None else _frozen_filters(filters)
    with db_session.read_connection() as conn:
        if key is not None:
            query = _list_statement(model, key, order, limit)
        else:
            query = _build_list_statement(model, filters, order, limit)
            if marker is not None:
                query = query.where(listing.keyset_condition(
                    model, list(order), _marker_row(conn, model, marker)))
        return records.from_rows(model, conn.execute(query).all())


def _frozen_filters(filters: dict | None) -> tuple | None:
    """Filters as a hashable key (None when a value cannot be one)."""
    items = []
    for name, value in sorted((filters or {}).items()):
        if isinstance(value, (list, set)):
            value = tuple(value)
        items.append((name, value))
    key = tuple(items)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _build_list_statement(model: type, filters: dict | None, order: tuple,
                          limit: int | None):
    query = records.base_select(model).where(model.deleted == 0)
    query = listing.apply_filters(query, model, filters,
                                  _FILTER_SPECS[model])
    query = query.order_by(*listing.order_by_clauses(model, order))
    if limit is not None:
        query = query.limit(limit)
    return query


@functools.lru_cache(maxsize=512)
def _list_statement(model: type, filters: tuple, order: tuple,
                    limit: int | None):
    """Statements are immutable: a list without a marker reuses the one
    built for the same model, filters, order and limit (building it was a
    sixth of listing ten segments)."""
    return _build_list_statement(model, dict(filters), order, limit)


def _marker_row(conn, model: type, marker: Any):
    row_id = listing.marker_id(marker)
    row = None
    if row_id is not None:
        row = _lookup(conn, model, id=row_id)
    if row is None:
        raise exception.MarkerNotFound(marker=marker)
    return row


def _lookup(conn, model: type, **equal: Any):
    """The first live row whose columns equal ``equal``, as a record."""
    statement = _lookup_statement(model, tuple(sorted(equal)))
    found = records.from_rows(model, conn.execute(
        statement, {_LOOKUP_PREFIX + key: value
                    for key, value in equal.items()}).all())
    return found[0] if found else None


_LOOKUP_PREFIX = "match_"


@functools.lru_cache(maxsize=64)
def _lookup_statement(model: type, columns: tuple[str, ...]):
    return records.base_select(model).where(
        model.deleted == 0,
        *[getattr(model, column) == sa.bindparam(_LOOKUP_PREFIX + column)
          for column in columns]).limit(1)


def _first(session, model: type, *criteria):
    return session.scalars(
        sa.select(model).where(model.deleted == 0, *criteria)).first()


def _one(model: type, not_found: exception.MasakariException,
         exact: str | None = None, **equal: Any):
    """The single live row whose columns equal ``equal``.  The ``exact``
    column is re-checked in Python so identifiers match case-sensitively
    even under MySQL's case-insensitive collations."""
    with db_session.read_connection() as conn:
        row = _lookup(conn, model, **equal)
    if row is None or (exact is not None
                       and getattr(row, exact) != equal[exact]):
        raise not_found
    return row


def _live(session, model: type, column: str, value: Any):
    """Live row whose ``column`` is exactly ``value`` (on any backend)."""
    row = _first(session, model, getattr(model, column) == value)
    return row if row is not None and getattr(row, column) == value else None


def _apply_values(row, values: dict) -> None:
    columns = listing.column_keys(type(row))
    for key, value in values.items():
        if key not in columns:
            raise ValueError("%s has no column %r" % (type(row).__name__, key))
        setattr(row, key, value)


def _soft_delete_stmt(model: type, *criteria):
    """deleted = id, deleted_at = now; updated_at deliberately untouched."""
    return sa.update(model).where(model.deleted == 0, *criteria).values(
        deleted=model.id, deleted_at=timeutils.utcnow(),
        updated_at=model.updated_at).execution_options(
            synchronize_session=False)


def _naive_utc(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def _with_uuid(values: dict, key: str = "uuid") -> dict:
    values = dict(values)
    if not values.get(key):
        values[key] = uuidutils.generate_uuid()
    return values


# --- failover segments -----------------------------------------------------

def failover_segment_get_all_by_filters(
        filters: dict | None = None, sort_keys: Sequence[str] | None = None,
        sort_dirs: Sequence[str] | None = None, limit: int | None = None,
        marker: Any = None) -> list[models.FailoverSegment]:
    return _get_all(models.FailoverSegment, filters,
                    sort_keys, sort_dirs, limit, marker)


def failover_segment_get_by_id(id: int) -> models.FailoverSegment:
    row_id = listing.marker_id(id)
    return _one(models.FailoverSegment,
                exception.FailoverSegmentNotFound(id=id), id=row_id or 0)


def failover_segment_get_by_uuid(uuid: str) -> models.FailoverSegment:
    return _one(models.FailoverSegment,
                exception.FailoverSegmentNotFound(id=uuid), exact="uuid",
                uuid=uuid)


def failover_segment_get_by_name(name: str) -> models.FailoverSegment:
    return _one(models.FailoverSegment,
                exception.FailoverSegmentNotFoundByName(segment_name=name),
                name=name)


@db_session.retry
def failover_segment_create(values: dict) -> models.FailoverSegment:
    values = _with_uuid(values)
    segment = models.FailoverSegment()
    _apply_values(segment, values)
    try:
        with db_session.writer() as session:
            if _first(session, models.FailoverSegment,
                      models.FailoverSegment.name == values.get("name")):
                raise exception.FailoverSegmentExists(name=values["name"])
            session.add(segment)
    except db_exc.DBDuplicateEntry:
        raise exception.FailoverSegmentExists(name=values.get("name"))
    return segment


@db_session.retry
def failover_segment_update(uuid: str, values: dict
                            ) -> models.FailoverSegment:
    try:
        with db_session.writer() as session:
            segment = _live(session, models.FailoverSegment, "uuid", uuid)
            if segment is None:
                raise exception.FailoverSegmentNotFound(id=uuid)
            name = values.get("name")
            if name is not None and _first(
                    session, models.FailoverSegment,
                    models.FailoverSegment.name == name,
                    models.FailoverSegment.id != segment.id):
                raise exception.FailoverSegmentExists(name=name)
            _apply_values(segment, values)
    except db_exc.DBDuplicateEntry:
        raise exception.FailoverSegmentExists(name=values.get("name"))
    return segment


@db_session.retry
def failover_segment_delete(uuid: str) -> None:
    """Soft-delete the segment and all its hosts in one transaction."""
    with db_session.writer() as session:
        segment = _live(session, models.FailoverSegment, "uuid", uuid)
        if segment is None:
            raise exception.FailoverSegmentNotFound(id=uuid)
        session.execute(_soft_delete_stmt(
            models.FailoverSegment, models.FailoverSegment.id == segment.id))
        session.execute(_soft_delete_stmt(
            models.Host, models.Host.failover_segment_id == uuid))


def is_failover_segment_under_recovery(
        segment_uuid: str,
        statuses: Iterable[str] = UNDER_RECOVERY_STATUSES) -> bool:
    """True if a notification in ``statuses`` comes from a live host of
    the segment (notifications' own ``deleted`` is not considered)."""
    hosts = sa.select(models.Host.uuid).where(
        models.Host.failover_segment_id == segment_uuid,
        models.Host.deleted == 0)
    query = sa.select(sa.func.count()).select_from(
        models.Notification).where(
            models.Notification.status.in_(list(statuses)),
            models.Notification.source_host_uuid.in_(hosts))
    with db_session.reader() as session:
        return session.scalar(query) > 0


# --- hosts -----------------------------------------------------------------

def host_get_all_by_filters(
        filters: dict | None = None, sort_keys: Sequence[str] | None = None,
        sort_dirs: Sequence[str] | None = None, limit: int | None = None,
        marker: Any = None) -> list[models.Host]:
    return _get_all(models.Host, filters, sort_keys,
                    sort_dirs, limit, marker)


def host_get_by_uuid(uuid: str, segment_uuid: str | None = None
                     ) -> models.Host:
    equal = {"uuid": uuid}
    not_found: exception.MasakariException = exception.HostNotFound(id=uuid)
    if segment_uuid is not None:
        equal["failover_segment_id"] = segment_uuid
        not_found = exception.HostNotFoundUnderFailoverSegment(
            host_uuid=uuid, segment_uuid=segment_uuid)
    host = _one(models.Host, not_found, exact="uuid", **equal)
    if segment_uuid is not None and host.failover_segment_id != segment_uuid:
        raise not_found
    return host


def host_get_by_id(id: int) -> models.Host:
    row_id = listing.marker_id(id)
    return _one(models.Host, exception.HostNotFound(id=id), id=row_id or 0)


def host_get_by_name(name: str) -> models.Host:
    return _one(models.Host, exception.HostNotFoundByName(host_name=name),
                name=name)


def _reload_host(session, host_id: int) -> models.Host:
    session.flush()
    session.expire_all()
    return session.scalars(sa.select(models.Host).where(
        models.Host.id == host_id)).one()


@db_session.retry
def host_create(values: dict) -> models.Host:
    values = _with_uuid(values)
    host = models.Host()
    _apply_values(host, values)
    try:
        with db_session.writer() as session:
            segment_uuid = values.get("failover_segment_id")
            if _first(session, models.FailoverSegment,
                      models.FailoverSegment.uuid == segment_uuid) is None:
                raise exception.FailoverSegmentNotFound(id=segment_uuid)
            if _first(session, models.Host,
                      models.Host.name == values.get("name")):
                raise exception.HostExists(name=values["name"])
            session.add(host)
            session.flush()
            host = _reload_host(session, host.id)
    except db_exc.DBDuplicateEntry:
        raise exception.HostExists(name=values.get("name"))
    return host


@db_session.retry
def host_update(uuid: str, values: dict) -> models.Host:
    try:
        with db_session.writer() as session:
            host = _live(session, models.Host, "uuid", uuid)
            if host is None:
                raise exception.HostNotFound(id=uuid)
            name = values.get("name")
            if name is not None and _first(
                    session, models.Host, models.Host.name == name,
                    models.Host.id != host.id):
                raise exception.HostExists(name=name)
            _apply_values(host, values)
            host = _reload_host(session, host.id)
    except db_exc.DBDuplicateEntry:
        raise exception.HostExists(name=values.get("name"))
    return host


@db_session.retry
def host_delete(uuid: str) -> None:
    with db_session.writer() as session:
        host = _live(session, models.Host, "uuid", uuid)
        if host is None:
            raise exception.HostNotFound(id=uuid)
        session.execute(_soft_delete_stmt(models.Host,
                                          models.Host.id == host.id))


# --- notifications ---------------------------------------------------------

def notification_get_all_by_filters(
        filters: dict | None = None, sort_keys: Sequence[str] | None = None,
        sort_dirs: Sequence[str] | None = None, limit: int | None = None,
        marker: Any = None) -> list[models.Notification]:
    return _get_all(models.Notification, filters,
                    sort_keys, sort_dirs, limit, marker)


def notification_get_by_uuid(uuid: str) -> models.Notification:
    return _one(models.Notification,
                exception.NotificationNotFound(id=uuid),
                exact="notification_uuid", notification_uuid=uuid)


def notification_get_by_id(id: int) -> models.Notification:
    row_id = listing.marker_id(id)
    return _one(models.Notification, exception.NotificationNotFound(id=id),
                id=row_id or 0)


def _payload_text(payload: Any) -> Any:
    if payload is None or isinstance(payload, str):
        return payload
    return json.dumps(payload)


def _payload_value(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _notification_values(values: dict) -> dict:
    values = _with_uuid(values, "notification_uuid")
    values.setdefault("status", "new")
    if "payload" in values:
        values["payload"] = _payload_text(values["payload"])
    if isinstance(values.get("generated_time"), datetime.datetime):
        values["generated_time"] = _naive_utc(values["generated_time"])
    return values


@db_session.retry
def notification_create(values: dict, duplicate_window: int | None = None
                        ) -> records.Record:
    """Insert a notification; with ``duplicate_window`` (seconds) refuse a
    duplicate (spec api.md §9.2 step 5) atomically.

    The source host row is locked first (``SELECT ... FOR UPDATE``; on
    SQLite the writer transaction is ``BEGIN IMMEDIATE``), so concurrent
    creates for the same host, from any process, run the check-and-insert
    one after the other.  A Core insert: this is the API's hot write path.
    """
    row = dict.fromkeys(records.column_keys(models.Notification))
    row.update(created_at=models.utcnow_seconds(), deleted=0)
    row.update(_notification_values(values))
    unknown = set(row) - listing.column_keys(models.Notification)
    if unknown:
        raise ValueError("notifications has no column(s) %s"
                         % sorted(unknown))
    insert = {key: value for key, value in row.items() if key != "id"}
    with db_session.write_connection() as conn:
        host_name = conn.execute(_SOURCE_HOST_LOCK, {
            "uuid": values["source_host_uuid"]}).scalar()
        if duplicate_window is not None:
            _check_duplicate(conn, row, duplicate_window,
                             host_name or row["source_host_uuid"])
        result = conn.execute(_NOTIFICATION_INSERT, insert)
        row["id"] = result.inserted_primary_key[0]
    return records.from_values(models.Notification, row)


_SOURCE_HOST_LOCK = (
    sa.select(models.Host.name)
    .where(models.Host.uuid == sa.bindparam("uuid"))
    .order_by(models.Host.deleted).limit(1)
    .with_for_update())
_NOTIFICATION_INSERT = sa.insert(models.Notification.__table__)
_DUPLICATE_CANDIDATES = sa.select(models.Notification.payload).where(
    models.Notification.deleted == 0,
    models.Notification.type == sa.bindparam("type"),
    models.Notification.source_host_uuid == sa.bindparam("source_host_uuid"),
    models.Notification.generated_time >= sa.bindparam("since"))


def _check_duplicate(conn, values: dict, window: int,
                     host_name: str) -> None:
    since = values["generated_time"] - datetime.timedelta(seconds=window)
    payloads = conn.execute(_DUPLICATE_CANDIDATES, {
        "type": values["type"],
        "source_host_uuid": values["source_host_uuid"],
        "since": since}).scalars()
    wanted = _payload_value(values.get("payload"))
    if any(_payload_value(p) == wanted for p in payloads):
        raise exception.DuplicateNotification(host=host_name,
                                              type=values["type"])


@db_session.retry
def notification_update(uuid: str, values: dict,
                        expected_status: str | Sequence[str] | None = None,
                        expected_updated_at: Any = _UNSET
                        ) -> models.Notification:
    """Update a notification, optionally as a compare-and-set.

    With ``expected_status`` (one status or several) and/or
    ``expected_updated_at`` the UPDATE only applies when the row still
    matches; otherwise NotificationStatusConflict is raised and nothing
    changes.  ``updated_at`` is set to now unless given in ``values``.
    """
    N = models.Notification
    values = dict(values)
    if "payload" in values:
        values["payload"] = _payload_text(values["payload"])
    columns = listing.column_keys(N)
    unknown = set(values) - columns
    if unknown:
        raise ValueError("notifications has no column(s) %s"
                         % sorted(unknown))
    values.setdefault("updated_at", models.utcnow_seconds())
    criteria = [N.deleted == 0]
    expected: list[str] | None = None
    if expected_status is not None:
        expected = ([expected_status] if isinstance(expected_status, str)
                    else list(expected_status))
        criteria.append(N.status.in_(expected))
    if expected_updated_at is not _UNSET:
        criteria.append(listing._same(N.updated_at, expected_updated_at))
    with db_session.writer() as session:
        current = _live(session, N, "notification_uuid", uuid)
        if current is None:
            raise exception.NotificationNotFound(id=uuid)
        result = session.execute(
            sa.update(N).where(N.id == current.id, *criteria)
            .values(**values).execution_options(synchronize_session=False))
        session.expire_all()
        row = _first(session, N, N.id == current.id)
        if result.rowcount == 0:
            raise exception.NotificationStatusConflict(
                notification_uuid=uuid, status=row.status,
                expected=expected if expected is not None
                else "updated_at %s" % expected_updated_at)
    return row


@db_session.retry
def notification_delete(uuid: str) -> None:
    """Soft-delete a notification and its vmoves."""
    with db_session.writer() as session:
        note = _live(session, models.Notification, "notification_uuid", uuid)
        if note is None:
            raise exception.NotificationNotFound(id=uuid)
        session.execute(_soft_delete_stmt(
            models.Notification, models.Notification.id == note.id))
        session.execute(_soft_delete_stmt(
            models.VMove, models.VMove.notification_uuid == uuid))


# --- vmoves ----------------------------------------------------------------

def vmove_get_all_by_filters(
        filters: dict | None = None, sort_keys: Sequence[str] | None = None,
        sort_dirs: Sequence[str] | None = None, limit: int | None = None,
        marker: Any = None) -> list[models.VMove]:
    return _get_all(models.VMove, filters, sort_keys,
                    sort_dirs, limit, marker)


def vmove_get_by_uuid(uuid: str, notification_uuid: str | None = None
                      ) -> models.VMove:
    equal = {"uuid": uuid}
    if notification_uuid is not None:
        equal["notification_uuid"] = notification_uuid
    return _one(models.VMove, exception.VMoveNotFound(id=uuid),
                exact="uuid", **equal)


@db_session.retry
def vmove_create(values: dict) -> models.VMove:
    vmove = models.VMove()
    _apply_values(vmove, _with_uuid(values))
    with db_session.writer() as session:
        session.add(vmove)
    return vmove


@db_session.retry
def vmove_update(uuid: str, values: dict) -> models.VMove:
    with db_session.writer() as session:
        vmove = _live(session, models.VMove, "uuid", uuid)
        if vmove is None:
            raise exception.VMoveNotFound(id=uuid)
        _apply_values(vmove, values)
    return vmove


@db_session.retry
def vmove_update_each(updates: Sequence[tuple[str, dict]]) -> None:
    """Apply each (uuid, values) pair in one transaction (all or none).

    Raises VMoveNotFound, and changes nothing, if any uuid is unknown.
    """
    if not updates:
        return
    with db_session.writer() as session:
        for uuid, values in updates:
            vmove = _live(session, models.VMove, "uuid", uuid)
            if vmove is None:
                raise exception.VMoveNotFound(id=uuid)
            _apply_values(vmove, values)


@db_session.retry
def vmove_create_many(values_list: Sequence[dict]) -> list[models.VMove]:
    """Insert several vmoves in one transaction (all of them or none)."""
    rows = []
    for values in values_list:
        row = models.VMove()
        _apply_values(row, _with_uuid(values))
        rows.append(row)
    if rows:
        with db_session.writer() as session:
            session.add_all(rows)
    return rows


@db_session.retry
def vmove_update_many(uuids: Sequence[str], values: dict) -> int:
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
    with db_session.writer() as session:
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


# --- maintenance -----------------------------------------------------------

def purge_deleted_rows(age_in_days: int, max_rows: int) -> int:
    """Hard-delete old soft-deleted rows and old terminal notifications
    (spec api.md §13.1); returns the number of rows deleted."""
    return purge.purge_deleted_rows(get_engine(), age_in_days, max_rows)
