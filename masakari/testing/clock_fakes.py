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

"""Virtual time for tests of code that takes an engine Clock."""

from __future__ import annotations

import datetime
import threading
import time
from typing import Callable

from masakari.engine.timing import Clock


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


class ScaledEngineClock(Clock):
    """The engine's clock on a cloud simulator's scaled time: readings are
    simulated time, sleeps last the matching (shorter) real time.

    ``clock``: anything with ``now()`` (simulated epoch seconds) and
    ``scale`` (simulated seconds per real second).
    """

    def __init__(self, clock) -> None:
        self._clock = clock

    def monotonic(self) -> float:
        return self._clock.now()

    def utcnow(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(
            self._clock.now(), datetime.timezone.utc).replace(tzinfo=None)

    def sleep(self, seconds: float,
              cancel: threading.Event | None = None) -> bool:
        real = max(0.0, seconds) / self._clock.scale
        if cancel is None:
            time.sleep(real)
            return False
        return cancel.wait(real)
