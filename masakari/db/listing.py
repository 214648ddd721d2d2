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
"""List queries: exact filters, sort resolution and keyset pagination.

Sort rules (as upstream): no keys -> ``created_at``; no dirs ->
``desc``; missing dirs take the first dir; ``created_at`` then ``id`` are
appended when absent.  Pagination returns the rows strictly after the
marker row in that order.  NULLs sort as the smallest value on every backend
so the order (and thus paging) is the same on SQLite, MySQL and PostgreSQL.
"""

import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from oslo_utils import strutils
from sqlalchemy.ext import compiler
from sqlalchemy.sql import visitors

from masakari.db import records
from masakari import exception

SORT_DIRS = ("asc", "desc")


def resolve_sort(model: type, sort_keys: Sequence[str] | None,
                 sort_dirs: Sequence[str] | None
                 ) -> list[tuple[str, str]]:
    """Validate keys/dirs and return the full ordering as (key, dir)."""
    keys = [k.strip() for k in (sort_keys or [])] or ["created_at"]
    dirs = [d.strip() for d in (sort_dirs or [])]
    for d in dirs:
        if d not in SORT_DIRS:
            raise exception.InvalidInput(
                reason="Unknown sort direction, must be 'asc' or 'desc'")
    if len(dirs) > len(keys):
        raise exception.InvalidInput(
            reason="Sort direction size exceeds sort key size")
    columns = column_keys(model)
    for key in keys:
        if key not in columns:
            raise exception.InvalidSortKey(key=key)
    first = dirs[0] if dirs else "desc"
    dirs = dirs + [first] * (len(keys) - len(dirs))
    order = list(zip(keys, dirs))
    for extra in ("created_at", "id"):
        if extra not in keys:
            order.append((extra, first))
    return order


@functools.cache
def column_keys(model: type) -> frozenset[str]:
    """Mapped column attributes (relationships are not sortable), as a set:
    it is checked on every list and update call."""
    return frozenset(records.column_keys(model))


@functools.cache
def _enums(model: type, column: str) -> frozenset[str] | None:
    enums = getattr(sa.inspect(model).columns[column].type, "enums", None)
    return None if enums is None else frozenset(enums)


def _nullable(col) -> bool:
    return bool(getattr(col, "nullable", True)) and not col.primary_key


def order_by_clauses(model: type, order: Sequence[tuple[str, str]]
                     ) -> tuple:
    """ORDER BY clauses for ``order`` (NULLs first in ascending order).

    SQL expression objects are immutable, so the clauses are built once
    per (model, order) and shared by every query using that order.
    """
    return _order_by_clauses(model, tuple(order))


@functools.lru_cache(maxsize=256)
def _order_by_clauses(model: type, order: tuple[tuple[str, str], ...]
                      ) -> tuple:
    clauses = []
    for key, direction in order:
        col = getattr(model, key)
        prop_col = sa.inspect(model).columns[key]
        if _nullable(prop_col):
            clauses.append(NullSmallestOrder(prop_col, direction == "desc"))
        else:
            clauses.append(col.asc() if direction == "asc" else col.desc())
    return tuple(clauses)


class NullSmallestOrder(sa.sql.expression.ColumnElement):
    """ORDER BY term on a nullable column where NULL is the smallest value.

    Rendered per backend so that an index can serve it: SQLite and
    MySQL/MariaDB put NULL first in ascending order by themselves (a plain
    ``col ASC`` / ``col DESC``); PostgreSQL is told ``ASC NULLS FIRST`` /
    ``DESC NULLS LAST`` (one index built ``NULLS FIRST`` serves both
    directions); any other backend gets a ``CASE`` key in front.
    """

    inherit_cache = True
    _traverse_internals = [
        ("column", visitors.InternalTraversal.dp_clauseelement),
        ("descending", visitors.InternalTraversal.dp_boolean),
    ]

    def __init__(self, column: sa.Column, descending: bool) -> None:
        self.column = column
        self.descending = descending


def _direction(term: NullSmallestOrder) -> str:
    return "DESC" if term.descending else "ASC"


@compiler.compiles(NullSmallestOrder)
def _null_smallest_generic(term: NullSmallestOrder, compiler_: Any,
                           **kw: Any) -> str:
    column = compiler_.process(term.column, **kw)
    direction = _direction(term)
    return (f"CASE WHEN {column} IS NULL THEN 0 ELSE 1 END {direction}, "
            f"{column} {direction}")


@compiler.compiles(NullSmallestOrder, "sqlite")
@compiler.compiles(NullSmallestOrder, "mysql")
def _null_smallest_native(term: NullSmallestOrder, compiler_: Any,
                          **kw: Any) -> str:
    return f"{compiler_.process(term.column, **kw)} {_direction(term)}"


@compiler.compiles(NullSmallestOrder, "postgresql")
def _null_smallest_postgresql(term: NullSmallestOrder, compiler_: Any,
                              **kw: Any) -> str:
    nulls = "NULLS LAST" if term.descending else "NULLS FIRST"
    return (f"{compiler_.process(term.column, **kw)} {_direction(term)} "
            f"{nulls}")


def _after(col, direction: str, value: Any):
    """Rows strictly after ``value`` on one key (NULL = smallest)."""
    if direction == "asc":
        return col.is_not(None) if value is None else col > _bind(col, value)
    if value is None:
        return sa.false()
    return sa.or_(col < _bind(col, value), col.is_(None))


def _bind(col, value: Any):
    # An explicit bind: SQLAlchemy refuses "col > True" with a literal.
    return sa.bindparam(None, value, type_=col.type)


def _same(col, value: Any):
    return col.is_(None) if value is None else col == _bind(col, value)


def keyset_condition(model: type, order: list[tuple[str, str]], marker):
    """OR over i of (k1 = v1 AND ... AND k(i-1) = v(i-1) AND ki after vi)."""
    alternatives = []
    equal_so_far: list = []
    for key, direction in order:
        col = getattr(model, key)
        value = getattr(marker, key)
        alternatives.append(sa.and_(*equal_so_far,
                                    _after(col, direction, value)))
        equal_so_far.append(_same(col, value))
    return sa.or_(*alternatives)


def marker_id(marker: Any) -> int | None:
    """The integer id a marker designates, or None when it cannot be one."""
    if isinstance(marker, bool):
        return None
    if isinstance(marker, int):
        return marker
    text = str(marker).strip()
    if text.isdigit() or (text.startswith("-") and text[1:].isdigit()):
        value = int(text)
        # Out of range for the integer column: it cannot exist.
        return value if -2**31 <= value < 2**31 else None
    return None


def bool_filter_value(value: Any) -> bool | None:
    """Booleans and strict boolean strings; None when unparseable."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value)
    try:
        return strutils.bool_from_string(str(value), strict=True)
    except ValueError:
        return None


def apply_filters(query, model: type, filters: dict | None,
                  spec: dict[str, tuple[str, str]]):
    """Apply ``filters`` per ``spec``: name -> (kind, column).

    kinds: ``eq`` exact, ``in`` exact or any of a list, ``bool`` boolean
    (unparseable -> empty result), ``ge`` column >= value, ``lt``
    column < value.
    Unknown filter names are ignored.
    """
    for name, value in (filters or {}).items():
        if name not in spec or value is None:
            continue
        kind, column = spec[name]
        col = getattr(model, column)
        if kind in ("eq", "in"):
            values = (list(value) if isinstance(value, (list, tuple, set))
                      else [value])
            enums = _enums(model, column)
            if enums is not None:
                # PostgreSQL rejects a non-member literal for an ENUM column;
                # such a value simply matches nothing.
                values = [v for v in values if v in enums]
            query = query.where(col.in_(values) if values else sa.false())
        elif kind == "bool":
            parsed = bool_filter_value(value)
            query = query.where(sa.false() if parsed is None
                                else col == parsed)
        elif kind == "ge":
            query = query.where(col >= value)
        elif kind == "lt":
            query = query.where(col < value)
    return query
