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

"""Notification intake (storing a new notification, refusing duplicates
and hosts on maintenance, then telling the engine) and reads.

The row is committed before the engine is told about it; the duplicate
check and the insert are one database transaction (optionally also under a
tooz lock), so no accepted notification is lost and no duplicate slips in,
whatever the number of API workers.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from typing import Any, Callable, Iterator

from oslo_config import cfg

from masakari.common import coordination
from masakari import exception
from masakari.ha import casts
from masakari.ha import events
from masakari import notifications as notifications_mod
from masakari import rpc

LOG = logging.getLogger(__name__)
LOCK_PREFIX = 'masakari-'


class Intake:
    """Creates notifications; collaborators are injectable for tests."""

    def __init__(self, conf: cfg.ConfigOpts, db: Any,
                 engine_api: Any = None,
                 sleep: Callable[[float], None] = time.sleep,
                 rand: Callable[[float, float], float] = random.uniform,
                 metrics: Any = None,
                 transports: rpc.Transports | None = None,
                 emitter: Any = None,
                 background_casts: bool = True) -> None:
        """``db``: the service's DB API; ``transports``: its RPC transports
        (for the engine client); ``emitter``: its versioned notifications
        (none when None); ``background_casts``: tell the engine from a
        sender thread after answering (see :mod:`masakari.ha.casts`)
        rather than before."""
        self.conf = conf
        self.db = db
        self.metrics = metrics
        self.transports = transports or rpc.Transports(conf)
        self.emitter = emitter or notifications_mod.Emitter(self.transports)
        self.coordination = coordination.Coordination(conf)
        self._engine_api = engine_api
        self._engine_lock = threading.Lock()
        self.sleep = sleep
        self.rand = rand
        self.caster = (casts.BackgroundCaster(self._send_cast)
                       if background_casts else None)

    # -- collaborators ----------------------------------------------------
    @property
    def engine_api(self) -> Any:
        with self._engine_lock:
            if self._engine_api is None:
                from masakari.engine import rpcapi
                self._engine_api = rpcapi.EngineAPI(
                    conf=self.conf, transports=self.transports)
            return self._engine_api

    def _backend_url(self) -> str | None:
        return self.coordination.backend_url()

    @contextlib.contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        lock = self.coordination.distributed_lock(LOCK_PREFIX + name)
        if lock is None:
            yield
            return
        with lock:
            yield

    def stop(self, timeout: float = 10.0) -> None:
        """Send the queued casts (within ``timeout``), release the locks."""
        if self.caster is not None:
            self.caster.stop(timeout)
        self.coordination.stop()

    # -- intake -----------------------------------------------------------
    def _random_delay(self) -> None:
        delay_max = self.conf.notification_delay_max
        if self._backend_url() or not delay_max or delay_max <= 0:
            return
        self.sleep(self.rand(0, delay_max))

    def create(self, context: Any, data: dict) -> Any:
        """Store a notification (status ``new``) and hand it to the engine.

        ``data``: type, hostname, generated_time (naive UTC datetime),
        payload. Raises InvalidInput (400), HostOnMaintenanceError or
        DuplicateNotification (409).
        """
        self._random_delay()
        if data['type'] == 'COMPUTE_HOST':
            lock = self._lock(f"create_host_notification-{data['hostname']}")
        else:
            lock = contextlib.nullcontext()
        with lock:
            notification = self._store(context, data)
        if self.metrics is not None:
            self.metrics.notifications_received.labels(
                type=data['type']).inc()
        self._cast(context, notification)
        return notification

    def _store(self, context: Any, data: dict) -> Any:
        """Look the host up, refuse one on maintenance, check for a
        duplicate and insert: one database transaction."""
        hostname = data['hostname']
        values = {
            'type': data['type'],
            'generated_time': data['generated_time'],
            'payload': data['payload'],
            'status': 'new',
        }
        event = dict(values, source_host_uuid=None,
                     failover_segment_uuid=None)

        def check_host(host: Any) -> None:
            event.update(source_host_uuid=host.uuid,
                         failover_segment_uuid=host.failover_segment_id)
            if host.on_maintenance:
                raise exception.HostOnMaintenanceError(
                    host_name=hostname, notification_type=data['type'])

        window = self.conf.duplicate_notification_detection_interval
        try:
            notification = self.db.notification_create_for_host(
                hostname, values, duplicate_window=window,
                check_host=check_host)
        except exception.HostNotFoundByName as exc:
            raise exception.InvalidInput(message=str(exc)) from None
        except (exception.HostOnMaintenanceError,
                exception.DuplicateNotification):
            # Refusals, not failures: upstream refuses both before storing.
            raise
        except Exception as exc:
            events.emit_failed(self.emitter, context, 'notification',
                               'create', event, exc)
            raise
        events.emit_done(self.emitter, context, 'notification', 'create',
                         event)
        return notification

    def _cast(self, context: Any, notification: Any) -> None:
        if self.caster is not None:
            self.caster.submit(context, notification.notification_uuid)
        else:
            casts.send_logged(self._send_cast, context,
                              notification.notification_uuid)

    def _send_cast(self, context: Any, notification_uuid: str) -> None:
        self.engine_api.process_notification(context, notification_uuid)


def list_notifications(db: Any, filters: dict, sort_keys: list | None,
                       sort_dirs: list | None, limit: int | None,
                       marker: str | None) -> list:
    return db.notification_get_all_by_filters(
        filters=filters, sort_keys=sort_keys, sort_dirs=sort_dirs,
        limit=limit, marker=marker)


def get_notification(db: Any, uuid: str) -> Any:
    return db.notification_get_by_uuid(uuid)


def get_recovery_workflow_details(intake: Intake, context: Any,
                                  notification: Any) -> list:
    """Ask the engine (RPC call) for the recovery progress details."""
    details = intake.engine_api.\
        get_notification_recovery_workflow_details(
            context, notification.notification_uuid)
    return list(details or [])
