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

"""What every table's DB API functions share: the filter tables, list
queries with keyset pagination, single-row lookups and soft deletion."""

import datetime
import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from oslo_utils import timeutils
from oslo_utils import uuidutils

from masakari.db import listing
from masakari.db import models
from masakari.db import records
from masakari.db.session import Database
from masakari import exception

UNDER_RECOVERY_STATUSES = ("new", "running", "error")
UNSET: Any = object()

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
FILTER_SPECS = {
    models.FailoverSegment: SEGMENT_FILTERS,
    models.Host: HOST_FILTERS,
    models.Notification: NOTIFICATION_FILTERS,
    models.VMove: VMOVE_FILTERS,
}


# --- generic helpers -------------------------------------------------------

def get_all(database: Database, model: type, filters: dict | None,
            sort_keys: Sequence[str] | None, sort_dirs: Sequence[str] | None,
            limit: int | None, marker: Any) -> list:
    order = tuple(listing.resolve_sort(model, sort_keys, sort_dirs))
    if limit is not None:
        limit = int(limit)
        if limit <= 0:
            return []
    key = None if marker is not None else frozen_filters(filters)
    with database.read_connection() as conn:
        if key is not None:
            query = list_statement(model, key, order, limit)
        else:
            query = build_list_statement(model, filters, order, limit)
            if marker is not None:
                query = query.where(listing.keyset_condition(
                    model, list(order), marker_row(conn, model, marker)))
        return records.from_rows(model, conn.execute(query).all())


def frozen_filters(filters: dict | None) -> tuple | None:
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


def build_list_statement(model: type, filters: dict | None, order: tuple,
                         limit: int | None):
    query = records.base_select(model).where(model.deleted == 0)
    query = listing.apply_filters(query, model, filters,
                                  FILTER_SPECS[model])
    query = query.order_by(*listing.order_by_clauses(model, order))
    if limit is not None:
        query = query.limit(limit)
    return query


@functools.lru_cache(maxsize=512)
def list_statement(model: type, filters: tuple, order: tuple,
                   limit: int | None):
    """Statements are immutable: a list without a marker reuses the one
    built for the same model, filters, order and limit (building it was a
    sixth of listing ten segments)."""
    return build_list_statement(model, dict(filters), order, limit)


def marker_row(conn, model: type, marker: Any):
    row_id = listing.marker_id(marker)
    row = None
    if row_id is not None:
        row = lookup(conn, model, id=row_id)
    if row is None:
        raise exception.MarkerNotFound(marker=marker)
    return row


def lookup(conn, model: type, **equal: Any):
    """The first live row whose columns equal ``equal``, as a record."""
    statement = lookup_statement(model, tuple(sorted(equal)))
    found = records.from_rows(model, conn.execute(
        statement, {LOOKUP_PREFIX + key: value
                    for key, value in equal.items()}).all())
    return found[0] if found else None


LOOKUP_PREFIX = "match_"


@functools.lru_cache(maxsize=64)
def lookup_statement(model: type, columns: tuple[str, ...]):
    return records.base_select(model).where(
        model.deleted == 0,
        *[getattr(model, column) == sa.bindparam(LOOKUP_PREFIX + column)
          for column in columns]).limit(1)


def first(session, model: type, *criteria):
    return session.scalars(
        sa.select(model).where(model.deleted == 0, *criteria)).first()


def one(database: Database,
        model: type, not_found: exception.MasakariException,
        exact: str | None = None, **equal: Any):
    """The single live row whose columns equal ``equal``.  The ``exact``
    column is re-checked in Python so identifiers match case-sensitively
    even under MySQL's case-insensitive collations."""
    with database.read_connection() as conn:
        row = lookup(conn, model, **equal)
    if row is None or (exact is not None
                       and getattr(row, exact) != equal[exact]):
        raise not_found
    return row


def live(session, model: type, column: str, value: Any):
    """Live row whose ``column`` is exactly ``value`` (on any backend)."""
    row = first(session, model, getattr(model, column) == value)
    return row if row is not None and getattr(row, column) == value else None


def apply_values(row, values: dict) -> None:
    columns = listing.column_keys(type(row))
    for key, value in values.items():
        if key not in columns:
            raise ValueError("%s has no column %r" % (type(row).__name__, key))
        setattr(row, key, value)


def soft_delete_stmt(model: type, *criteria):
    """deleted = id, deleted_at = now; updated_at deliberately untouched."""
    return sa.update(model).where(model.deleted == 0, *criteria).values(
        deleted=model.id, deleted_at=timeutils.utcnow(),
        updated_at=model.updated_at).execution_options(
            synchronize_session=False)


def naive_utc(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def with_uuid(values: dict, key: str = "uuid") -> dict:
    values = dict(values)
    if not values.get(key):
        values[key] = uuidutils.generate_uuid()
    return values
