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

"""Query-string parsing shared by the list endpoints (limit, marker,
sort keys and directions, filters)."""

from __future__ import annotations

import dataclasses
import datetime

import iso8601
from oslo_config import cfg
from oslo_utils import strutils
from oslo_utils import timeutils

from masakari.api import errors
from masakari.api.request import ApiRequest

SORT_DIRS = ('asc', 'desc')
DEFAULT_MAX_LIMIT = 1000


@dataclasses.dataclass
class ListParams:
    limit: int
    marker: str | None
    sort_keys: list[str] | None
    sort_dirs: list[str] | None


def _integer(name: str, value: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise errors.bad_request(
            f'Invalid input received: {name} must be an integer') from None
    if number < 0:
        raise errors.bad_request(
            f'Invalid input received: {name} must be >= 0')
    return number


def max_limit(conf: cfg.ConfigOpts) -> int:
    """``osapi_max_limit``: the most items a list answers with."""
    return int(conf.osapi_max_limit)


def list_params(req: ApiRequest) -> ListParams:
    """Validate limit/page_size/marker/sort_key/sort_dir (400 on error)."""
    cap = max_limit(req.app.conf)
    limit = cap
    raw_limit = req.param('limit')
    if raw_limit is not None:
        limit = min(_integer('limit', raw_limit), cap)
    raw_page_size = req.param('page_size')
    if raw_page_size is not None:
        _integer('page_size', raw_page_size)
    sort_keys = [k.strip() for k in req.params('sort_key')] or None
    sort_dirs = [d.strip() for d in req.params('sort_dir')] or None
    for direction in sort_dirs or ():
        if direction not in SORT_DIRS:
            raise errors.bad_request(
                "Invalid input received: Unknown sort direction, must be "
                "'asc' or 'desc'")
    if sort_dirs and len(sort_dirs) > len(sort_keys or ()):
        raise errors.bad_request(
            'Invalid input received: Sort direction size exceeds sort key '
            'size')
    return ListParams(limit=limit, marker=req.param('marker'),
                      sort_keys=sort_keys, sort_dirs=sort_dirs)


def strict_bool(name: str, value: str | bool) -> bool:
    """Parse a boolean strictly; 400 naming the parameter otherwise."""
    if isinstance(value, bool):
        return value
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError as exc:
        raise errors.bad_request(f'Invalid value for {name}: {exc}') from None


def parse_datetime(value: str) -> datetime.datetime:
    """ISO 8601 to naive UTC (ValueError when unparseable)."""
    try:
        # Normalising can overflow too (0001-01-01T00:00:00+01:00).
        return timeutils.normalize_time(iso8601.parse_date(value))
    except (iso8601.ParseError, TypeError, OverflowError) as exc:
        raise ValueError(str(exc)) from None


def filters_from(req: ApiRequest, names: tuple[str, ...],
                 booleans: tuple[str, ...] = ()) -> dict:
    """Exact-match filters present in the query string (last value wins)."""
    filters = {}
    for name in names:
        value = req.param(name)
        if value is None:
            continue
        filters[name] = strict_bool(name, value) if name in booleans \
            else value
    return filters
