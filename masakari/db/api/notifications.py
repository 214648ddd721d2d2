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

"""DB API of the notifications table."""

import datetime
import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from masakari.db.api import base
from masakari.db import listing
from masakari.db import models
from masakari.db import records
from masakari.db import session as db_session
from masakari.db.session import Database
from masakari import exception


def notification_get_all_by_filters(
        database: Database, filters: dict | None = None,
        sort_keys: Sequence[str] | None = None,
        sort_dirs: Sequence[str] | None = None, limit: int | None = None,
        marker: Any = None) -> list[models.Notification]:
    return base.get_all(database, models.Notification, filters,
                        sort_keys, sort_dirs, limit, marker)


def notification_get_by_uuid(database: Database,
                             uuid: str) -> models.Notification:
    return base.one(database, models.Notification,
                    exception.NotificationNotFound(id=uuid),
                    exact="notification_uuid", notification_uuid=uuid)


def notification_get_by_id(database: Database, id: int) -> models.Notification:
    row_id = listing.marker_id(id)
    return base.one(database, models.Notification,
                    exception.NotificationNotFound(id=id), id=row_id or 0)


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
    values = base.with_uuid(values, "notification_uuid")
    values.setdefault("status", "new")
    if "payload" in values:
        values["payload"] = _payload_text(values["payload"])
    if isinstance(values.get("generated_time"), datetime.datetime):
        values["generated_time"] = base.naive_utc(values["generated_time"])
    return values


@db_session.retry
def notification_create(database: Database,
                        values: dict, duplicate_window: int | None = None
                        ) -> records.Record:
    """Insert a notification; with ``duplicate_window`` (seconds) refuse a
    duplicate (same type, host and payload within the window) atomically.

    The source host row is locked first (``SELECT ... FOR UPDATE``; on
    SQLite the writer transaction is ``BEGIN IMMEDIATE``), so concurrent
    creates for the same host, from any process, run the check-and-insert
    one after the other.  A Core insert: this is the API's hot write path.
    """
    row = _new_row(values)
    with database.write_connection() as conn:
        host_name = conn.execute(_SOURCE_HOST_LOCK, {
            "uuid": values["source_host_uuid"]}).scalar()
        _check_and_insert(conn, row, duplicate_window,
                          host_name or row["source_host_uuid"])
    return records.from_values(models.Notification, row)


@db_session.retry
def notification_create_for_host(
        database: Database, hostname: str, values: dict,
        duplicate_window: int | None = None,
        check_host: Callable[[Any], None] | None = None
) -> records.Record:
    """:func:`notification_create` for the live host named ``hostname``,
    looked up and locked in the same transaction (the intake's path: one
    connection and one commit per notification).

    ``source_host_uuid`` and ``failover_segment_uuid`` come from the host
    row (uuid, name, on_maintenance, failover_segment_id), which
    ``check_host`` may refuse by raising; nothing is written then.
    Raises HostNotFoundByName.
    """
    row = _new_row(values)
    with database.write_connection() as conn:
        host = conn.execute(_HOST_BY_NAME_LOCK, {"name": hostname}).first()
        if host is None:
            raise exception.HostNotFoundByName(host_name=hostname)
        if check_host is not None:
            check_host(host)
        row.update(source_host_uuid=host.uuid,
                   failover_segment_uuid=host.failover_segment_id)
        _check_and_insert(conn, row, duplicate_window, host.name)
    return records.from_values(models.Notification, row)


def _new_row(values: dict) -> dict:
    row = dict.fromkeys(records.column_keys(models.Notification))
    row.update(created_at=models.utcnow_seconds(), deleted=0)
    row.update(_notification_values(values))
    unknown = set(row) - listing.column_keys(models.Notification)
    if unknown:
        raise ValueError("notifications has no column(s) %s"
                         % sorted(unknown))
    return row


def _check_and_insert(conn, row: dict, duplicate_window: int | None,
                      host_name: str) -> None:
    if duplicate_window is not None:
        _check_duplicate(conn, row, duplicate_window, host_name)
    result = conn.execute(_NOTIFICATION_INSERT,
                          {k: v for k, v in row.items() if k != "id"})
    row["id"] = result.inserted_primary_key[0]


_SOURCE_HOST_LOCK = (
    sa.select(models.Host.name)
    .where(models.Host.uuid == sa.bindparam("uuid"))
    .order_by(models.Host.deleted).limit(1)
    .with_for_update())
_HOST_BY_NAME_LOCK = (
    sa.select(models.Host.uuid, models.Host.name, models.Host.on_maintenance,
              models.Host.failover_segment_id)
    .where(models.Host.name == sa.bindparam("name"),
           models.Host.deleted == 0)
    .limit(1)
    .with_for_update())
_NOTIFICATION_INSERT = sa.insert(models.Notification.__table__)
_DUPLICATE_CANDIDATES = sa.select(models.Notification.payload).where(
    models.Notification.deleted == 0,
    models.Notification.type == sa.bindparam("type"),
    models.Notification.source_host_uuid == sa.bindparam("source_host_uuid"),
    models.Notification.generated_time >= sa.bindparam("since"))


def _check_duplicate(conn, values: dict, window: int,
                     host_name: str) -> None:
    try:
        since = values["generated_time"] - datetime.timedelta(seconds=window)
    except OverflowError:
        # A report dated within the window of year 1: every stored one is
        # inside the window.
        since = datetime.datetime.min
    payloads = conn.execute(_DUPLICATE_CANDIDATES, {
        "type": values["type"],
        "source_host_uuid": values["source_host_uuid"],
        "since": since}).scalars()
    wanted = _payload_value(values.get("payload"))
    if any(_payload_value(p) == wanted for p in payloads):
        raise exception.DuplicateNotification(host=host_name,
                                              type=values["type"])


@db_session.retry
def notification_update(database: Database, uuid: str, values: dict,
                        expected_status: str | Sequence[str] | None = None,
                        expected_updated_at: Any = base.UNSET
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
    if expected_updated_at is not base.UNSET:
        criteria.append(listing._same(N.updated_at, expected_updated_at))
    with database.writer() as session:
        current = base.live(session, N, "notification_uuid", uuid)
        if current is None:
            raise exception.NotificationNotFound(id=uuid)
        result = session.execute(
            sa.update(N).where(N.id == current.id, *criteria)
            .values(**values).execution_options(synchronize_session=False))
        session.expire_all()
        row = base.first(session, N, N.id == current.id)
        if result.rowcount == 0:
            raise exception.NotificationStatusConflict(
                notification_uuid=uuid, status=row.status,
                expected=expected if expected is not None
                else "updated_at %s" % expected_updated_at)
    return row


@db_session.retry
def notification_delete(database: Database, uuid: str) -> None:
    """Soft-delete a notification and its vmoves."""
    with database.writer() as session:
        note = base.live(session, models.Notification, "notification_uuid",
                         uuid)
        if note is None:
            raise exception.NotificationNotFound(id=uuid)
        session.execute(base.soft_delete_stmt(
            models.Notification, models.Notification.id == note.id))
        session.execute(base.soft_delete_stmt(
            models.VMove, models.VMove.notification_uuid == uuid))
