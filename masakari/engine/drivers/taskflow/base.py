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

"""Base class of masakari's taskflow tasks: progress details and waits."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, TypeVar

from taskflow import task

from masakari.engine import driver_api
from masakari.engine import exceptions
from masakari.engine import timing

LOG = logging.getLogger(__name__)
T = TypeVar("T")


# Longest time (clock seconds) a progress entry stays in memory only.
# Entries are saved in one write when the task ends; a long-running task
# also saves at this interval so another engine answering the details API
# from storage is never far behind.
DETAILS_SAVE_INTERVAL = 2.0


class MasakariTask(task.Task):
    """A task with an append-only list of progress details.

    Constructed with keyword arguments context, novaclient and runtime
    (the engine's RecoveryRuntime, see masakari.engine.driver_api);
    custom tasks may accept **kwargs and ignore what they do not need.
    Each task logs when it begins and ends, with its duration.

    Progress details are kept in memory while the task runs (the engine
    running it answers the details API from there, see
    :meth:`progress_snapshot`) and saved to taskflow storage when the task
    ends, fails or is interrupted, instead of once per entry.
    """

    default_provides: Any = None

    def __init__(
        self,
        context: Any,
        novaclient: Any,
        runtime: driver_api.RecoveryRuntime,
        **kwargs: Any,
    ) -> None:
        self.context = context
        self.novaclient = novaclient
        self.runtime = runtime
        kwargs.setdefault("name", self.__class__.__name__)
        kwargs.setdefault("provides", self.default_provides)
        super().__init__(**kwargs)
        self._details: list[dict] = []
        self._details_lock = threading.RLock()
        self._progress = 0.0
        self._unsaved = False
        # None: not run by an engine (e.g. called directly): save at once.
        self._saved_at: float | None = None
        self._began: float | None = None

    @property
    def conf(self) -> Any:
        return self.runtime.conf

    def update_details(self, message: str, progress: float = 0.0) -> None:
        """Append one progress entry (saved at task end, see class doc)."""
        entry = {
            "timestamp": str(self.runtime.clock.utcnow()),
            "progress": progress,
            "message": message,
        }
        now = self.runtime.clock.monotonic()
        with self._details_lock:
            self._details.append(entry)
            self._progress = progress
            self._unsaved = True
            if (
                self._saved_at is None
                or now - self._saved_at >= DETAILS_SAVE_INTERVAL
            ):
                self.save_details()

    def save_details(self) -> None:
        """Persist the entries not saved yet (one storage write)."""
        with self._details_lock:
            if not self._unsaved:
                return
            self._unsaved = False
            if self._saved_at is not None:
                self._saved_at = self.runtime.clock.monotonic()
            self.update_progress(self._progress)

    def progress_snapshot(self) -> tuple[float, list[dict]] | None:
        """(last progress, entries) if some are not in storage yet."""
        with self._details_lock:
            if not self._unsaved:
                return None
            return self._progress, list(self._details)

    def pre_execute(self) -> None:
        now = self.runtime.clock.monotonic()
        with self._details_lock:
            self._saved_at = now
        self._began = now
        LOG.info(
            "Notification %s: task %s begins",
            self.runtime.notification_uuid,
            self.name,
        )

    def post_execute(self) -> None:
        # Runs in a finally block while the engine still listens for
        # progress: success, failure and cancellation all save here.
        try:
            self.save_details()
        except Exception:  # noqa: BLE001 - never mask the task's outcome
            LOG.exception("Could not save progress details of %s", self.name)
        if self._began is not None:
            LOG.info(
                "Notification %s: task %s ends after %.1f s",
                self.runtime.notification_uuid,
                self.name,
                self.runtime.clock.monotonic() - self._began,
            )
            self._began = None

    def update_progress(self, progress: float) -> None:
        # The engine itself reports 0.0/1.0 on state changes; always send
        # the accumulated entries so they are never replaced by nothing.
        progress = min(max(float(progress), 0.0), 1.0)
        with self._details_lock:
            details = list(self._details)
            self._notifier.notify(
                task.EVENT_UPDATE_PROGRESS,
                {"progress": progress, "progress_details": details},
            )

    def wait(
        self, check: Callable[[], T | None], timeout: float, what: str
    ) -> T:
        """Poll check every verify_interval until truthy or timeout."""

        def cancelled() -> Exception:
            return exceptions.RecoveryCancelled(
                notification_uuid=self.runtime.notification_uuid,
                reason="the engine gave up ownership",
            )

        return timing.wait_until(
            check,
            clock=self.runtime.clock,
            timeout=timeout,
            interval=self.conf.verify_interval,
            what=what,
            cancel=self.runtime.cancel,
            on_cancel=cancelled,
        )

    def wait_or_fail(
        self,
        check: Callable[[], T | None],
        timeout: float,
        what: str,
        error: type[Exception],
        message: str,
    ) -> T:
        """:meth:`wait`; on timeout record ``message`` and raise ``error``."""
        try:
            return self.wait(check, timeout, what)
        except exceptions.WaitTimeout as err:
            self.update_details(message, 1.0)
            raise error(reason=message) from err

    def check_cancelled(self) -> None:
        if self.runtime.cancel.is_set():
            raise exceptions.RecoveryCancelled(
                notification_uuid=self.runtime.notification_uuid,
                reason="the engine gave up ownership",
            )
