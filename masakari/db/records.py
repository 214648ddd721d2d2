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
"""Rows of read queries as plain records instead of ORM instances.

Reads return detached values: nothing lazy-loads after the transaction,
nothing is written back.  Loading them as ORM instances (identity map,
instance state, events per row) cost more than the query itself, so reads
run as Core selects and each row becomes a record: an object with the
model's column attributes (``as_dict`` too) and, for a host, its
``failover_segment`` record loaded by the same query (outer join on the
condition of the model's relationship).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from masakari.db import models


class Record:
    """Column values of one row, read as attributes."""

    model: type = object
    columns: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {key: self.__dict__[key] for key in self.columns}

    def __repr__(self) -> str:
        ident = self.__dict__.get("uuid") or self.__dict__.get(
            "notification_uuid") or self.__dict__.get("id")
        return f"<{type(self).__name__} {ident}>"


@functools.cache
def record_class(model: type) -> type[Record]:
    return type(f"{model.__name__}Record", (Record,),
                {"model": model, "columns": column_keys(model),
                 "__module__": __name__})


@functools.cache
def column_keys(model: type) -> tuple[str, ...]:
    return tuple(attr.key for attr in sa.inspect(model).column_attrs)


def _columns(model: type) -> list:
    mapper = sa.inspect(model)
    return [mapper.column_attrs[key].columns[0] for key in column_keys(model)]


SEGMENT_PREFIX = "failover_segment__"


@functools.cache
def base_select(model: type) -> sa.Select:
    """SELECT of the model's columns (and a host's segment's)."""
    if model is not models.Host:
        return sa.select(*_columns(model))
    host = models.Host.__table__
    segment = models.FailoverSegment.__table__
    joined = host.outerjoin(segment, sa.and_(
        host.c.failover_segment_id == segment.c.uuid, host.c.deleted == 0))
    return sa.select(
        *_columns(models.Host),
        *[column.label(SEGMENT_PREFIX + key) for key, column in zip(
            column_keys(models.FailoverSegment),
            _columns(models.FailoverSegment))]).select_from(joined)


def _build(cls: type[Record], keys: Sequence[str], values: Iterable[Any]
           ) -> Record:
    record = cls.__new__(cls)
    record.__dict__.update(zip(keys, values))
    return record


def from_values(model: type, values: dict) -> Record:
    """A record of ``model`` with ``values`` (every column present)."""
    cls = record_class(model)
    return _build(cls, cls.columns, [values[key] for key in cls.columns])


def from_rows(model: type, rows: Iterable[Sequence[Any]]) -> list[Record]:
    """Records for rows of :func:`base_select` (model)."""
    cls = record_class(model)
    keys = cls.columns
    if model is not models.Host:
        return [_build(cls, keys, row) for row in rows]
    segment_cls = record_class(models.FailoverSegment)
    segment_keys = segment_cls.columns
    width = len(keys)
    segment_id = width + segment_keys.index("id")
    out = []
    for row in rows:
        host = _build(cls, keys, row[:width])
        host.failover_segment = (
            _build(segment_cls, segment_keys, row[width:])
            if row[segment_id] is not None else None)
        out.append(host)
    return out
