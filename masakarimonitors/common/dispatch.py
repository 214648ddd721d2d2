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

"""Bounded worker pool that sends notifications, coalescing duplicates.

Event callbacks (libvirt's event loop thread) must return at once, and an
event storm must not create a thread per event. ``submit`` queues the
notification under a key; while an identical key is queued or being sent,
further submissions are coalesced into it. A full queue drops the new
notification with an error log instead of blocking the caller.
"""

import collections
import threading
from typing import Callable, Hashable

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


class Dispatcher:
    def __init__(self, send: Callable[[dict], object], workers: int = 4,
                 max_pending: int = 1000, name: str = "notify") -> None:
        self._send = send
        self._workers = max(int(workers), 1)
        self._max_pending = max(int(max_pending), 1)
        self._name = name
        self._pending: collections.OrderedDict = collections.OrderedDict()
        self._active: set = set()
        self._cond = threading.Condition()
        self._stopping = False
        self._threads: list = []
        self.coalesced = 0
        self.dropped = 0

    def start(self) -> None:
        with self._cond:
            self._stopping = False
        self._threads = [
            threading.Thread(target=self._work, daemon=True,
                             name=f"{self._name}-{i}")
            for i in range(self._workers)]
        for thread in self._threads:
            thread.start()

    def submit(self, key: Hashable, notification: dict) -> bool:
        """Queue ``notification``; False when coalesced or dropped."""
        with self._cond:
            if key in self._pending or key in self._active:
                self.coalesced += 1
                LOG.debug("Coalesced duplicate event %s", key)
                return False
            if len(self._pending) >= self._max_pending:
                self.dropped += 1
                LOG.error("Notification queue full (%d): dropping %s",
                          self._max_pending, key)
                return False
            self._pending[key] = notification
            self._cond.notify()
            return True

    def pending(self) -> int:
        with self._cond:
            return len(self._pending) + len(self._active)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is queued or being sent (tests, shutdown)."""
        with self._cond:
            return self._cond.wait_for(
                lambda: not self._pending and not self._active, timeout)

    def stop(self, timeout: float = 5.0) -> list:
        """Stop the workers; return the notifications never picked up."""
        with self._cond:
            self._stopping = True
            left = list(self._pending.values())
            self._pending.clear()
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []
        return left

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                key, notification = self._pending.popitem(last=False)
                self._active.add(key)
            try:
                self._send(notification)
            except Exception:
                LOG.exception("Sending notification %s failed", key)
            finally:
                with self._cond:
                    self._active.discard(key)
                    self._cond.notify_all()
