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

"""Emit ``<obj>.<action>.start/.end/.error`` around a database change."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

from masakari import notifications

SEGMENT_FIELDS = notifications.SEGMENT_FIELDS
HOST_FIELDS = notifications.HOST_FIELDS
NOTIFICATION_FIELDS = notifications.NOTIFICATION_FIELDS


def _fields(obj: Any, names: tuple[str, ...]) -> dict:
    return {name: getattr(obj, name) for name in names if hasattr(obj, name)}


def segment_data(segment: Any) -> dict:
    data = _fields(segment, SEGMENT_FIELDS)
    if 'deleted' in data:
        data['deleted'] = bool(data['deleted'])
    return data


def host_data(host: Any) -> dict:
    data = _fields(host, HOST_FIELDS)
    segment = getattr(host, 'failover_segment', None)
    if segment is not None:
        data['failover_segment'] = segment_data(segment)
    return data


def notification_data(notification: Any) -> dict:
    return _fields(notification, NOTIFICATION_FIELDS)


@contextlib.contextmanager
def around(emitter: notifications.Emitter, context: Any, obj: str,
           action: str, data: dict) -> Iterator[None]:
    """start before the block, end after it, error (and re-raise) on
    failure."""
    emitter.emit(context, obj, action, 'start', data)
    try:
        yield
    except Exception as exc:
        emitter.emit(context, obj, action, 'error', data, exception=exc)
        raise
    emitter.emit(context, obj, action, 'end', data)


def emit_done(emitter: notifications.Emitter, context: Any, obj: str,
              action: str, data: dict) -> None:
    """start and end, for a change already committed."""
    emitter.emit(context, obj, action, 'start', data)
    emitter.emit(context, obj, action, 'end', data)


def emit_failed(emitter: notifications.Emitter, context: Any, obj: str,
                action: str, data: dict, exc: BaseException) -> None:
    """start and error, for a change that failed."""
    emitter.emit(context, obj, action, 'start', data)
    emitter.emit(context, obj, action, 'error', data, exception=exc)
