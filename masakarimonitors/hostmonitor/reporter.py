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

"""Background delivery of notifications.

Sending one notification may take minutes (retries while the API is down).
The monitoring loop must not wait for that, so notifications are handed to
one worker thread that delivers them in order.
"""

from __future__ import annotations

import collections
import logging
import threading
from typing import Callable

LOG = logging.getLogger(__name__)

MAX_QUEUED = 1000


class Reporter:
    def __init__(self, send: Callable[[dict], bool],
                 max_queued: int = MAX_QUEUED) -> None:
        self._send = send
        self._max = max_queued
        self._queue: collections.deque = collections.deque()
        self._cond = threading.Condition()
        self._busy = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(self, notification: dict) -> None:
        with self._cond:
            if self._closed:
                LOG.error("Reporter closed; notification not sent: %s",
                          notification)
                return
            if len(self._queue) >= self._max:
                dropped = self._queue.popleft()
                LOG.error("Too many queued notifications; dropped %s",
                          dropped)
            self._queue.append(notification)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="hostmonitor-reporter",
                    daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    return
                item = self._queue.popleft()
                self._busy = True
            try:
                self._send(item)
            except Exception:  # the loop must survive a broken notifier
                LOG.exception("Sending notification failed: %s", item)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def flush(self, timeout: float) -> bool:
        """Wait until everything queued was handed to send."""
        with self._cond:
            return self._cond.wait_for(
                lambda: not self._queue and not self._busy, timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Deliver what is queued (bounded by timeout), then stop."""
        self.flush(timeout)
        with self._cond:
            self._closed = True
            if self._queue:
                LOG.error("%d notification(s) not sent at shutdown",
                          len(self._queue))
            self._cond.notify_all()
