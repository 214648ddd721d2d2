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

"""Rendering helpers shared by the resource views."""

from __future__ import annotations

import datetime
from typing import Any, Callable

DATETIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%f'


def datetime_text(value: datetime.datetime | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS.ffffff`` in UTC, no zone designator."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    # isoformat is much faster than strftime and gives the same text.
    return value.isoformat(timespec='microseconds')


def as_bool(value: Any) -> bool:
    return bool(value)


def identity(value: Any) -> Any:
    return value


def render(obj: Any, fields: tuple[tuple[str, Callable[[Any], Any]], ...]
           ) -> dict:
    """Read ``fields`` (name, converter) off ``obj`` in order."""
    # Loaded ORM attributes sit in __dict__; reading it directly skips the
    # descriptor machinery (a large share of listing 500 hosts).
    loaded = getattr(obj, '__dict__', {})
    out = {}
    for name, convert in fields:
        value = loaded[name] if name in loaded else getattr(obj, name, None)
        out[name] = value if convert is identity else convert(value)
    return out


TIMESTAMP_FIELDS = (
    ('created_at', datetime_text),
    ('updated_at', datetime_text),
    ('deleted_at', datetime_text),
    ('deleted', as_bool),
)
