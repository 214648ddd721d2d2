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

"""Versioned notifications, as upstream masakari sends them.

``Emitter(transports).emit(context, 'segment', 'create', 'start', data)``
sends
``segment.create.start`` on the ``versioned_notifications`` topic when
``[oslo_messaging_notifications] driver`` is set; otherwise nothing.
Failures to notify are logged, never raised: they must not fail a request.
"""

from __future__ import annotations

import datetime
import inspect
import logging
import socket
import threading
import traceback
from typing import Any

from masakari import rpc

LOG = logging.getLogger(__name__)

# The row attributes a payload is built from, by object: the one table
# every sender (the API and the engine) takes them from. A host's
# ``failover_segment`` is added separately, with SEGMENT_FIELDS.
SEGMENT_FIELDS = ('id', 'uuid', 'name', 'service_type', 'enabled',
                  'description', 'recovery_method', 'created_at',
                  'updated_at', 'deleted_at', 'deleted')
HOST_FIELDS = ('id', 'uuid', 'name', 'type', 'reserved',
               'control_attributes', 'on_maintenance')
NOTIFICATION_FIELDS = ('id', 'notification_uuid', 'generated_time',
                       'source_host_uuid', 'type', 'payload', 'status')
SOURCE_FIELDS = {'segment': SEGMENT_FIELDS, 'host': HOST_FIELDS,
                 'notification': NOTIFICATION_FIELDS}

PAYLOADS = {
    # object: (payload class name, version, data field order on the wire)
    'segment': ('SegmentApiPayload', '1.1',
                ('id', 'uuid', 'name', 'service_type', 'description',
                 'recovery_method', 'enabled')),
    'host': ('HostApiPayload', '1.0',
             HOST_FIELDS[:3] + ('failover_segment',) + HOST_FIELDS[3:]),
    'notification': ('NotificationApiPayload', '1.0', NOTIFICATION_FIELDS),
}
# A host payload's embedded segment object.
SEGMENT_OBJECT_FIELDS = SEGMENT_FIELDS
PHASE_PRIORITY = {'start': 'info', 'end': 'info', 'error': 'error'}
DEFAULT_BINARY = 'masakari-api'


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc)
        return value.strftime('%Y-%m-%dT%H:%M:%SZ')
    return value


def _object_primitive(name: str, version: str, data: dict) -> dict:
    return {'masakari_object.name': name,
            'masakari_object.namespace': 'masakari',
            'masakari_object.version': version,
            'masakari_object.data': data}


def exception_payload(exc: BaseException) -> dict:
    """The ``fault`` value: where the exception was raised and what."""
    tb = exc.__traceback__
    frames = inspect.getinnerframes(tb) if tb is not None else []
    module_name = function_name = ''
    if frames:
        frame = frames[-1]
        module = inspect.getmodule(frame.frame)
        module_name = module.__name__ if module else ''
        function_name = frame.function
    data = {
        'module_name': module_name,
        'function_name': function_name,
        'exception': type(exc).__name__,
        'exception_message': str(exc),
        'traceback': ''.join(traceback.format_exception(
            type(exc), exc, tb)),
    }
    return _object_primitive('ExceptionPayload', '1.0', data)


def build_payload(obj: str, data: dict,
                  exception: BaseException | None = None) -> dict:
    """Only fields present in ``data`` appear, plus ``fault``."""
    name, version, fields = PAYLOADS[obj]
    out = {}
    for field in fields:
        if field not in data:
            continue
        value = data[field]
        if field == 'failover_segment' and isinstance(value, dict):
            value = _object_primitive(
                'FailoverSegment', '1.1',
                {k: _value(value[k]) for k in SEGMENT_OBJECT_FIELDS
                 if k in value})
        out[field] = _value(value)
    out['fault'] = None if exception is None else exception_payload(exception)
    return _object_primitive(name, version, out)


class Emitter:
    """Sends one service's versioned notifications on its transports.

    Does nothing unless [oslo_messaging_notifications] names a driver.
    """

    def __init__(self, transports: rpc.Transports) -> None:
        self.transports = transports
        self._lock = threading.Lock()
        self._notifiers: dict[str, Any] = {}

    @property
    def enabled(self) -> bool:
        return rpc.notifications_enabled(self.transports.conf)

    def _notifier(self, binary: str) -> Any:
        with self._lock:
            if binary not in self._notifiers:
                publisher = f'{binary}:{socket.gethostname()}'
                self._notifiers[binary] = rpc.make_notifier(
                    self.transports, publisher)
            return self._notifiers[binary]

    def emit(self, context: Any, obj: str, action: str, phase: str,
             payload: dict, exception: BaseException | None = None,
             binary: str = DEFAULT_BINARY) -> None:
        """Send ``<obj>.<action>.<phase>`` if notifications are enabled."""
        if not self.enabled:
            return
        event_type = f'{obj}.{action}.{phase}'
        try:
            body = build_payload(obj, payload, exception)
            notifier = self._notifier(binary)
            getattr(notifier, PHASE_PRIORITY[phase])(context, event_type,
                                                     body)
        except Exception:  # noqa: BLE001 - must never fail a request
            LOG.warning('Could not emit versioned notification %s',
                        event_type, exc_info=True)
