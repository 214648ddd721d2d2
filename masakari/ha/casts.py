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

"""Casts to the engine sent from one background thread, in order.

The notification row is committed before the API answers; telling the
engine is then only a wake-up call (the engine's periodic task picks up a
``new`` notification whose cast never arrived). The RabbitMQ driver waits
for the broker's publisher confirm on every cast, a broker round trip that
dominated the tail of POST /v1/notifications, so the request thread hands
the cast to this sender and answers at once.

The queue is bounded: when it is full the request thread sends the cast
itself (back-pressure instead of unbounded memory). The thread starts on
first use in the process that uses it (an API worker forked after the
application was built starts its own), and :meth:`stop` sends what is
queued, bounded by a deadline.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from typing import Any, Callable

LOG = logging.getLogger(__name__)
QUEUE_LIMIT = 1000
_STOP = object()


def send_logged(send: Callable[[Any, str], None], context: Any,
                notification_uuid: str) -> None:
    """``send`` one cast; a failure is logged, never raised: the row is
    stored and the engine's periodic task picks it up."""
    try:
        send(context, notification_uuid)
    except Exception:  # noqa: BLE001 - see the docstring
        LOG.warning('Notification %s is stored but could not be sent to the '
                    'engine; its periodic task will pick it up.',
                    notification_uuid, exc_info=True)


class BackgroundCaster:
    """Calls ``send(context, notification_uuid)`` off the request thread."""

    def __init__(self, send: Callable[[Any, str], None],
                 limit: int = QUEUE_LIMIT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._send = send
        self._queue: queue.Queue = queue.Queue(maxsize=limit)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._clock = clock

    def submit(self, context: Any, notification_uuid: str) -> None:
        """Queue one cast; sent inline when the queue is full."""
        self._ensure_thread()
        try:
            self._queue.put_nowait((context, notification_uuid))
        except queue.Full:
            self._send_one(context, notification_uuid)

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is None or self._pid != os.getpid():
                if self._pid is not None and self._pid != os.getpid():
                    # Forked: the parent's queued items belong to it.
                    self._queue = queue.Queue(maxsize=self._queue.maxsize)
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name='masakari-engine-casts',
                    daemon=True)
                self._thread.start()

    def _send_one(self, context: Any, notification_uuid: str) -> None:
        send_logged(self._send, context, notification_uuid)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                self._send_one(*item)
            finally:
                self._queue.task_done()

    def flush(self, timeout: float) -> bool:
        """Wait until every queued cast was sent; False on timeout."""
        deadline = self._clock() + timeout
        with self._queue.all_tasks_done:
            while self._queue.unfinished_tasks:
                left = deadline - self._clock()
                if left <= 0:
                    return False
                self._queue.all_tasks_done.wait(min(left, 0.1))
        return True

    def stop(self, timeout: float = 10.0) -> None:
        """Send what is queued (within ``timeout``), then end the thread."""
        with self._lock:
            thread = self._thread
            if thread is None or self._pid != os.getpid():
                return
            self._thread = None
        if not self.flush(timeout):
            LOG.warning('%d casts to the engine were not sent before '
                        'shutdown; the engine picks those notifications '
                        'up by itself.', self._queue.qsize())
        try:
            self._queue.put_nowait(_STOP)
        except queue.Full:
            return
        thread.join(max(0.0, timeout))
