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

"""The engine's RPC endpoint and the processing of one notification.

process_notification only schedules work on the engine's own worker pool,
so the RPC thread returns at once and shutdown can drain flows with a
deadline. Processing = claim (CAS) → segment check → handler → final CAS,
under a renewed lease; any unexpected exception ends in 'error'.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from typing import Any

import oslo_messaging as messaging

from masakari.engine import app as app_mod
from masakari.engine import events
from masakari.engine import exceptions
from masakari.engine import handlers
from masakari.engine import lifecycle
from masakari.engine import payloads
from masakari.engine import store as store_mod

LOG = logging.getLogger(__name__)
BINARY = "masakari-engine"
UNFINISHED = ("new", "running", "error")


class EngineEndpoint:
    """What the RPC server exposes: the two methods of the engine RPC API
    (process_notification, get_notification_recovery_workflow_details)."""

    target = messaging.Target(version="1.1")

    def __init__(self, manager: "MasakariManager") -> None:
        self._manager = manager

    def process_notification(
        self, context: Any, notification_uuid: str
    ) -> None:
        self._manager.process_notification(context, notification_uuid)

    def get_notification_recovery_workflow_details(
        self, context: Any, notification_uuid: str
    ) -> list[dict]:
        return self._manager.get_notification_recovery_workflow_details(
            context, notification_uuid
        )


class MasakariManager:
    """Schedules and runs notifications (behind EngineEndpoint)."""

    target = EngineEndpoint.target

    def __init__(
        self,
        app: app_mod.EngineApp,
        driver: Any = None,
        emit: Any = None,
    ) -> None:
        self.app = app
        self.conf = app.conf
        self.db = app.db
        self.clock = app.clock
        self.driver = driver if driver is not None else app.load_driver()
        self.emit = emit or app.emitter.emit
        self.leases = lifecycle.LeaseKeeper(
            self.db, self.clock, self.conf.notification_lease_period
        )
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=self.conf.notification_workers,
            thread_name_prefix="masakari-recovery",
        )
        self._active: dict[str, concurrent.futures.Future] = {}
        self._lock = threading.Lock()
        self._accepting = True
        self.metrics = app.metrics
        self.metrics.queue_depth.set_function(lambda: len(self._active))

    # -- RPC methods -----------------------------------------------------
    def process_notification(
        self, context: Any, notification_uuid: str
    ) -> None:
        self.submit(context, notification_uuid)

    def get_notification_recovery_workflow_details(
        self, context: Any, notification_uuid: str
    ) -> list[dict]:
        return self.driver.get_notification_recovery_workflow_details(
            context, notification_uuid
        )

    # -- scheduling ------------------------------------------------------
    def start(self) -> None:
        self.leases.start()
        threading.Thread(
            target=self.warm_up, name="masakari-warm-up", daemon=True
        ).start()

    def warm_up(self) -> None:
        """Start the evacuation threads and prepare the driver (imports,
        Nova login) before the first failure.

        Best effort: whatever fails here is done again by the first
        recovery, which then reports the error itself.
        """
        try:
            self.app.pools.prestart()
            warm_up = getattr(self.driver, "warm_up", None)
            if warm_up is not None:
                warm_up()
        except Exception as err:  # noqa: BLE001 - see docstring
            LOG.warning(
                "Preparing the recovery driver failed (the first recovery "
                "will retry): %s",
                err,
            )

    def is_active(self, notification_uuid: str) -> bool:
        with self._lock:
            return notification_uuid in self._active

    def submit(
        self, context: Any, notification_uuid: str
    ) -> concurrent.futures.Future | None:
        """Run the notification unless it runs here already or we stop."""
        with self._lock:
            if not self._accepting or notification_uuid in self._active:
                return None
            future = self._pool.submit(
                self._process_guarded, context, notification_uuid
            )
            self._active[notification_uuid] = future
            return future

    def _process_guarded(self, context: Any, notification_uuid: str) -> None:
        status = None
        try:
            status = self.process(context, notification_uuid)
        except Exception:  # noqa: BLE001 - a worker must never die silently
            LOG.exception(
                "Processing notification %s failed", notification_uuid
            )
        finally:
            with self._lock:
                self._active.pop(notification_uuid, None)
        if status is not None:
            self._submit_waiting(context, notification_uuid)

    def _older_one_unfinished(self, claimed: Any) -> bool:
        """Is an older notification of the same host still to be done?

        Only the oldest unfinished notification of a host runs; its status
        stays new/running/error until it has been processed, so two engines
        can never both decide to go ahead.
        """
        rows = self.db.notification_get_all_by_filters(
            filters={
                "source_host_uuid": claimed.source_host_uuid,
                "status": list(UNFINISHED),
            }
        )
        return any(row.id < claimed.id for row in rows)

    def _submit_waiting(self, context: Any, notification_uuid: str) -> None:
        """Start notifications of the same host that waited for this one."""
        try:
            row = self.db.notification_get_by_uuid(notification_uuid)
            waiting = self.db.notification_get_all_by_filters(
                filters={
                    "source_host_uuid": row.source_host_uuid,
                    "status": "new",
                }
            )
        except Exception:  # noqa: BLE001 - the periodic scan catches up
            return
        for other in sorted(waiting, key=lambda r: r.id):
            self.submit(context, other.notification_uuid)

    def stop(self, timeout: float) -> None:
        """Stop taking work; drain flows up to timeout, hand back the rest."""
        with self._lock:
            self._accepting = False
            futures = list(self._active.values())
        done, pending = concurrent.futures.wait(
            futures, timeout=max(timeout, 0)
        )
        if pending:
            LOG.warning(
                "%d recoveries still running at shutdown; leaving them for "
                "resumption",
                len(pending),
            )
            for lease in self.leases.leases():
                lease.cancel.set()
            concurrent.futures.wait(pending, timeout=10)
        for lease in self.leases.leases():
            self.leases.hand_back(lease)
        self.leases.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.app.close()

    # -- processing one notification -------------------------------------
    def process(self, context: Any, notification_uuid: str) -> str | None:
        """Claim and run one notification; its final status or None."""
        row = self.db.notification_get_by_uuid(notification_uuid)
        received_status = row.status
        claimed = lifecycle.claim(
            self.db,
            row,
            self.clock.utcnow(),
            self.conf.notification_lease_period,
        )
        if claimed is None:
            return None
        lease = self.leases.add(claimed)
        if self._older_one_unfinished(claimed):
            # One recovery per host at a time, across engines: the oldest
            # notification goes first, this one is picked up after it.
            if received_status == "running":
                self.leases.hand_back(lease)
            else:
                self.leases.release(lease, received_status)
            return None
        LOG.info(
            "Engine %s claimed notification %s (%s, was %s)",
            self.conf.host,
            notification_uuid,
            claimed.type,
            received_status,
        )
        try:
            host = self.db.host_get_by_uuid(claimed.source_host_uuid)
            segment = host.failover_segment
            if segment is not None and not segment.enabled:
                return self._finish(
                    lease, claimed, "ignored", events.SEGMENT_DISABLED_MESSAGE
                )
        except Exception as err:  # noqa: BLE001
            LOG.error(
                "Notification %s: cannot load its host: %s",
                notification_uuid,
                err,
            )
            return self._finish(lease, claimed, "error", str(err))
        self.emit(
            context,
            "notification",
            "process",
            "start",
            payloads.notification_payload(claimed, received_status),
            binary=BINARY,
        )
        store = store_mod.EngineStore(
            self.db, context, self.emit, metrics=self.app.metrics
        )
        job = handlers.Job(
            context=context,
            notification=claimed,
            host=host,
            payload=payloads.payload_of(claimed),
            driver=self.driver,
            db=self.db,
            store=store,
            runtime=self.app.runtime(notification_uuid, store, lease.cancel),
        )
        try:
            outcome = handlers.handle(job)
        except exceptions.RecoveryCancelled:
            LOG.warning(
                "Recovery of %s interrupted; left for resumption",
                notification_uuid,
            )
            self.leases.hand_back(lease)
            return None
        except Exception as err:  # noqa: BLE001 - never leave 'running'
            LOG.exception("Unexpected error processing %s", notification_uuid)
            outcome = handlers.Outcome("error", err)
        if lease.cancel.is_set() and outcome.status == "error":
            self.leases.hand_back(lease)
            return None
        if outcome.emit:
            phase = "error" if outcome.error is not None else "end"
            self.emit(
                context,
                "notification",
                "process",
                phase,
                payloads.notification_payload(claimed, "running"),
                exception=outcome.error,
                binary=BINARY,
            )
        return self._finish(lease, claimed, outcome.status, outcome.message)

    def _finish(
        self, lease: Any, row: Any, status: str, message: str | None
    ) -> str:
        """Store the final status and log it with the time since the
        notification was received."""
        self.leases.finish(lease, status, message)
        received = getattr(row, "created_at", None)
        kind = getattr(row, "type", None) or "-"
        self.metrics.notifications.labels(type=kind, status=status).inc()
        if received is not None:
            took = (self.clock.utcnow() - received).total_seconds()
            self.metrics.recovery_duration.labels(
                type=kind, status=status
            ).observe(max(0.0, took))
            LOG.info(
                "Notification %s ended '%s' %.1f s after it was received",
                row.notification_uuid,
                status,
                took,
            )
        else:
            LOG.info(
                "Notification %s ended '%s'", row.notification_uuid, status
            )
        return status
