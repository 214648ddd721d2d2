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

"""Notification ownership: compare-and-set status changes and leases.

Every transition is a CAS in the database, so the RPC path, the periodic
pick-up and other engines can never run one notification twice. The owner
of a 'running' notification renews its lease (the row's updated_at) every
third of the lease period; a 'running' row whose lease expired belongs to
nobody and may be taken over; an owner whose renewal fails stops its flow.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import threading
from typing import Any

from masakari import exception
from masakari.engine import timing

LOG = logging.getLogger(__name__)

CLAIMABLE = ("new", "error")
TERMINAL = ("finished", "ignored", "failed")


def lease_expired(row: Any, now: datetime.datetime, period: float) -> bool:
    stamp = row.updated_at or row.created_at
    return stamp is None or (now - stamp).total_seconds() > period


def claim(
    db: Any, row: Any, now: datetime.datetime, period: float
) -> Any | None:
    """Make this engine the owner (-> 'running'); None if another is."""
    try:
        if row.status in CLAIMABLE:
            return db.notification_update(
                row.notification_uuid,
                {"status": "running"},
                expected_status=row.status,
            )
        if row.status == "running" and lease_expired(row, now, period):
            return db.notification_update(
                row.notification_uuid,
                {"status": "running", "updated_at": now},
                expected_status="running",
                expected_updated_at=row.updated_at,
            )
    except exception.NotificationStatusConflict:
        LOG.info(
            "Notification %s was claimed by someone else",
            row.notification_uuid,
        )
    return None


@dataclasses.dataclass
class Lease:
    notification_uuid: str
    updated_at: Any
    cancel: threading.Event = dataclasses.field(
        default_factory=threading.Event
    )
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    lost: bool = False


class LeaseKeeper:
    """Renews the leases of the notifications this engine runs."""

    def __init__(self, db: Any, clock: timing.Clock, period: float) -> None:
        self.db = db
        self.clock = clock
        self.period = period
        self._leases: dict[str, Lease] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="masakari-leases", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def add(self, row: Any) -> Lease:
        lease = Lease(row.notification_uuid, row.updated_at)
        with self._lock:
            self._leases[row.notification_uuid] = lease
        return lease

    def leases(self) -> list[Lease]:
        with self._lock:
            return list(self._leases.values())

    def remove(self, notification_uuid: str) -> None:
        with self._lock:
            self._leases.pop(notification_uuid, None)

    def renew_all(self) -> None:
        for lease in self.leases():
            self.renew(lease)

    def renew(self, lease: Lease) -> bool:
        with lease.lock:
            if lease.lost:
                return False
            try:
                row = self.db.notification_update(
                    lease.notification_uuid,
                    {"updated_at": self.clock.utcnow().replace(microsecond=0)},
                    expected_status="running",
                    expected_updated_at=lease.updated_at,
                )
                lease.updated_at = row.updated_at
                return True
            except exception.NotificationStatusConflict:
                LOG.warning(
                    "Lost the lease of notification %s; stopping its recovery",
                    lease.notification_uuid,
                )
            except Exception:  # noqa: BLE001
                # DB down: keep trying until expiry.
                LOG.exception(
                    "Could not renew lease of %s", lease.notification_uuid
                )
                return False
            lease.lost = True
            lease.cancel.set()
            return False

    def finish(
        self, lease: Lease, status: str, message: str | None = None
    ) -> bool:
        """Store the final status if we still own the row."""
        # updated_at from our clock, like claims and renewals: the retry
        # backoff of an 'error' row counts from it.
        values: dict[str, Any] = {
            "status": status,
            "updated_at": self.clock.utcnow().replace(microsecond=0),
        }
        if message is not None:
            values["message"] = message[:65000]
        with lease.lock:
            self.remove(lease.notification_uuid)
            if lease.lost:
                return False
            try:
                self.db.notification_update(
                    lease.notification_uuid,
                    values,
                    expected_status="running",
                    expected_updated_at=lease.updated_at,
                )
                return True
            except exception.NotificationStatusConflict:
                LOG.warning(
                    "Notification %s changed owner; result %s dropped",
                    lease.notification_uuid,
                    status,
                )
                return False

    def release(self, lease: Lease, status: str) -> None:
        """Give up a claim before any work was done (back to status)."""
        with lease.lock:
            self.remove(lease.notification_uuid)
            if lease.lost:
                return
            lease.lost = True
            try:
                self.db.notification_update(
                    lease.notification_uuid,
                    {"status": status},
                    expected_status="running",
                    expected_updated_at=lease.updated_at,
                )
            except Exception:  # noqa: BLE001 - the lease expires anyway
                LOG.warning("Could not release %s", lease.notification_uuid)

    def hand_back(self, lease: Lease) -> None:
        """Leave a running row for immediate resumption (shutdown, cancel)."""
        with lease.lock:
            self.remove(lease.notification_uuid)
            if lease.lost:
                return
            stale = self.clock.utcnow() - datetime.timedelta(
                seconds=self.period + 1
            )
            try:
                self.db.notification_update(
                    lease.notification_uuid,
                    {"updated_at": stale},
                    expected_status="running",
                    expected_updated_at=lease.updated_at,
                )
            except Exception:  # noqa: BLE001 - it expires by itself anyway
                LOG.warning("Could not hand back %s", lease.notification_uuid)
            lease.lost = True

    def _loop(self) -> None:
        interval = max(self.period / 3.0, 0.5)
        while not self.clock.sleep(interval, self._stop):
            self.renew_all()
