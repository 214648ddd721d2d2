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

"""Injectable time: every wait in the engine goes through a Clock.

Waits are deadlines with polling; a cancel event (shutdown, lost lease)
interrupts any sleep at once.
"""

from __future__ import annotations

import datetime
import threading
import time
from typing import Callable, TypeVar

from masakari.engine import exceptions

T = TypeVar("T")


class Clock:
    """Real time."""

    def monotonic(self) -> float:
        return time.monotonic()

    def utcnow(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.timezone.utc).replace(
            tzinfo=None
        )

    def sleep(
        self, seconds: float, cancel: threading.Event | None = None
    ) -> bool:
        """Sleep up to seconds; return True if cancel was set meanwhile."""
        if cancel is None:
            time.sleep(max(0.0, seconds))
            return False
        return cancel.wait(max(0.0, seconds))


class FakeClock(Clock):
    """Virtual time for tests: sleeping advances the clock instantly.

    on_advance callbacks run after each advance so simulated services can
    progress with virtual time.
    """

    def __init__(
        self, start: float = 1000.0, wall: datetime.datetime | None = None
    ) -> None:
        self._now = start
        self._start = start
        self._wall = wall or datetime.datetime(2026, 1, 1, 0, 0, 0)
        self._lock = threading.Lock()
        self.on_advance: list[Callable[[float], None]] = []
        self.slept: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._now

    def utcnow(self) -> datetime.datetime:
        with self._lock:
            return self._wall + datetime.timedelta(
                seconds=self._now - self._start
            )

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
            now = self._now
        for callback in list(self.on_advance):
            callback(now)

    def sleep(
        self, seconds: float, cancel: threading.Event | None = None
    ) -> bool:
        if cancel is not None and cancel.is_set():
            return True
        self.slept.append(seconds)
        self.advance(max(0.0, seconds))
        # Yield so other threads can observe the new time.
        time.sleep(0)
        return bool(cancel is not None and cancel.is_set())


def wait_until(
    check: Callable[[], T | None],
    *,
    clock: Clock,
    timeout: float,
    interval: float,
    what: str,
    cancel: threading.Event | None = None,
    on_cancel: Callable[[], Exception] | None = None,
) -> T:
    """Call check() now and every interval until it returns non-None.

    Raises WaitTimeout after timeout seconds, or on_cancel() (default
    RecoveryCancelled) when cancel is set. Both bounds are always finite.
    """
    deadline = clock.monotonic() + max(timeout, 0.0)
    interval = max(interval, 0.01)
    while True:
        result = check()
        if result is not None:
            return result
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            raise exceptions.WaitTimeout(timeout=timeout, what=what)
        if clock.sleep(min(interval, remaining), cancel):
            if on_cancel is not None:
                raise on_cancel()
            raise exceptions.RecoveryCancelled(
                notification_uuid="-", reason="cancelled"
            )
