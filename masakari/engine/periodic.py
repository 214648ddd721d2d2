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

"""Periodic work of the engine, scheduled per notification.

One scan every tick (at most a third of the lease period) decides, for each
unfinished notification: pick up a 'new' one the RPC path missed, resume a
'running' one whose owner's lease expired, retry an 'error' one after an
exponential backoff (bounded attempts, then 'failed'), or expire one that is
too old and owned by no live engine. The work itself runs on the manager's
worker pool, never in this thread. Ages count from created_at (when masakari
stored the row), never from the monitor-supplied generated_time.
"""

from __future__ import annotations

import datetime
import logging
import random
from typing import Any

from masakari import exception
from masakari.engine import background
from masakari.engine import lifecycle

LOG = logging.getLogger(__name__)
UNFINISHED = ["new", "running", "error"]


class Periodic:
    def __init__(self, manager: Any, context_factory: Any) -> None:
        self.manager = manager
        self.conf = manager.conf
        self.clock = manager.clock
        self.db = manager.db
        self.context_factory = context_factory
        self._next_expiry_check: datetime.datetime | None = None
        self._check_expiry = True
        self.loop = background.BackgroundLoop(
            "masakari-periodic", lambda: self.run_once(),
            interval=lambda: self.interval, clock=self.clock,
            first_delay=self._fuzzy_delay)

    @property
    def interval(self) -> float:
        conf = self.conf
        return max(
            1.0,
            min(
                conf.process_unfinished_notifications_interval,
                conf.notification_lease_period / 3.0,
                conf.periodic_interval_max,
            ),
        )

    def _fuzzy_delay(self) -> float:
        # Engines started together (e.g. after a power cut) spread their
        # scans instead of all hitting the database at the same moment.
        fuzzy = max(0, int(getattr(self.conf, "periodic_fuzzy_delay", 0)))
        return random.uniform(0, fuzzy) if fuzzy else 0.0

    def start(self) -> None:
        if self.conf.periodic_enable:
            self.loop.start()

    def stop(self) -> None:
        self.loop.stop()

    def run_once(self) -> list[str]:
        """One scan; returns the uuids submitted for processing."""
        now = self.clock.utcnow()
        rows = self.db.notification_get_all_by_filters(
            filters={"status": UNFINISHED}
        )
        submitted = []
        self._check_expiry = self._expiry_due(now)
        for row in rows:
            uuid = row.notification_uuid
            if self.manager.is_active(uuid):
                continue
            action = self._decide(row, now)
            if action == "run" and self.manager.submit(
                self.context_factory(), uuid
            ):
                submitted.append(uuid)
        return submitted

    def _expiry_due(self, now: datetime.datetime) -> bool:
        """Expiry is judged every check_expired_notifications_interval."""
        due = self._next_expiry_check
        if due is not None and now < due:
            return False
        interval = max(1, self.conf.check_expired_notifications_interval)
        self._next_expiry_check = now + datetime.timedelta(seconds=interval)
        return True

    def _age(self, row: Any, now: datetime.datetime) -> float:
        return (now - (row.created_at or now)).total_seconds()

    def _decide(self, row: Any, now: datetime.datetime) -> str:
        conf = self.conf
        period = conf.notification_lease_period
        orphaned = row.status != "running" or lifecycle.lease_expired(
            row, now, period
        )
        if (
            orphaned
            and self._check_expiry
            and self._age(row, now) > conf.notifications_expired_interval
        ):
            self._fail(
                row,
                "expired: not finished within "
                f"{conf.notifications_expired_interval} seconds",
            )
            return "failed"
        if row.status == "new":
            return (
                "run"
                if self._age(row, now)
                > conf.retry_notification_new_status_interval
                else "wait"
            )
        if row.status == "running":
            return "run" if orphaned else "wait"
        return self._decide_retry(row, now)

    def _decide_retry(self, row: Any, now: datetime.datetime) -> str:
        """Retry after backoff * 2**retries since the row entered 'error'.

        Both inputs survive a restart: the retry count lives with the
        driver (the taskflow logbook), the time is the row's updated_at.
        """
        conf = self.conf
        driver = self.manager.driver
        uuid = row.notification_uuid
        retries = driver.get_retry_count(uuid)
        since = row.updated_at or row.created_at or now
        due = since + datetime.timedelta(
            seconds=conf.notification_retry_backoff * (2**retries)
        )
        if now < due:
            return "wait"
        if retries >= conf.notification_max_retries:
            self._fail(
                row,
                f"still failing after {retries} retries: "
                f"{row.message or ''}".strip(),
            )
            return "failed"
        driver.set_retry_count(uuid, retries + 1)
        return "run"

    def _fail(self, row: Any, message: str) -> None:
        try:
            criteria = {"expected_status": row.status}
            if row.status == "running":
                criteria["expected_updated_at"] = row.updated_at
            self.db.notification_update(
                row.notification_uuid,
                {"status": "failed", "message": message},
                **criteria,
            )
            LOG.error(
                "Notification %s failed: %s", row.notification_uuid, message
            )
        except exception.NotificationStatusConflict:
            pass
