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

"""A step repeated on a daemon thread until the service stops.

The engine's periodic scan and its failover capacity check both run this
way: a first delay, then the step every interval, a failing step logged
without ending the loop, and a stop that wakes the sleeping thread.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from masakari.engine import timing

LOG = logging.getLogger(__name__)
STOP_TIMEOUT = 10.0


class BackgroundLoop:
    """Calls ``step`` after ``first_delay()`` seconds (default: one
    interval), then every ``interval()`` seconds, until stopped.

    The delays are read anew each time, so a changed option applies from
    the next round; ``clock`` makes the waits injectable.
    """

    def __init__(self, name: str, step: Callable[[], Any],
                 interval: Callable[[], float], clock: timing.Clock,
                 first_delay: Callable[[], float] | None = None) -> None:
        self.name = name
        self.stopping = threading.Event()
        self._step = step
        self._interval = interval
        self._first_delay = first_delay or interval
        self._clock = clock
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self.run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Wake the thread and wait (bounded) for its current step."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
            self._thread = None

    def run(self) -> None:
        """The loop itself, in the calling thread."""
        first = self._first_delay()
        if first > 0 and self._clock.sleep(first, self.stopping):
            return
        while not self.stopping.is_set():
            try:
                self._step()
            except Exception:  # noqa: BLE001 - the loop must go on
                LOG.exception("%s: step failed", self.name)
            if self._clock.sleep(self._interval(), self.stopping):
                return
