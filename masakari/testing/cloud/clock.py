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

"""Simulated time.

Every duration in the simulator (rebuilds, heartbeats, token lifetimes,
injected latency) is measured in *simulated* seconds read from a clock:

* :class:`ScaledClock` runs ``scale`` times faster than the wall clock, so a
  30 s rebuild takes 0.3 s of real time at ``scale=100``;
* :class:`ManualClock` only moves when a test calls :meth:`advance`, for fully
  deterministic tests.

Both hand out ``sleep``: a bounded wait that wakes early when the clock is
closed (simulator shutdown), so no request thread can outlive the server.
"""

from __future__ import annotations

import datetime
import threading
import time
from typing import Protocol

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class Clock(Protocol):
    """What the simulator needs from a clock."""

    def now(self) -> float:
        """Simulated seconds since the Unix epoch."""

    def sleep(self, seconds: float) -> bool:
        """Wait ``seconds`` of simulated time; False once closed."""

    def close(self) -> None:
        """Wake every sleeper; later sleeps return at once."""


def to_datetime(seconds: float) -> datetime.datetime:
    """Convert clock seconds to an aware UTC datetime."""
    return _EPOCH + datetime.timedelta(seconds=seconds)


class ScaledClock:
    """Simulated time = start + scale * (real time elapsed)."""

    def __init__(self, scale: float = 1.0, start: float | None = None,
                 monotonic=time.monotonic) -> None:
        if scale <= 0:
            raise ValueError('scale must be positive, got %r' % (scale,))
        self.scale = float(scale)
        self._monotonic = monotonic
        self._m0 = monotonic()
        self._start = time.time() if start is None else float(start)
        self._closed = threading.Event()

    def now(self) -> float:
        return self._start + (self._monotonic() - self._m0) * self.scale

    def sleep(self, seconds: float) -> bool:
        if seconds <= 0:
            return not self._closed.is_set()
        return not self._closed.wait(seconds / self.scale)

    def close(self) -> None:
        self._closed.set()


class ManualClock:
    """A clock that moves only when :meth:`advance` or :meth:`set` is called.

    ``sleep`` blocks until another thread advances the clock far enough (or
    the clock is closed); ``max_real_wait`` bounds every sleep in real time so
    a forgotten ``advance`` cannot hang a test forever.
    """

    def __init__(self, start: float | None = None,
                 max_real_wait: float = 30.0) -> None:
        # Start at the real time: clients such as keystoneauth compare token
        # expiry with the wall clock, so simulated time must not lag it.
        self._now = time.time() if start is None else float(start)
        self._cond = threading.Condition()
        self._closed = False
        self.max_real_wait = max_real_wait

    def now(self) -> float:
        with self._cond:
            return self._now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError('time only moves forward')
        with self._cond:
            self._now += seconds
            self._cond.notify_all()
            return self._now

    def set(self, when: float) -> None:
        with self._cond:
            if when < self._now:
                raise ValueError('time only moves forward')
            self._now = float(when)
            self._cond.notify_all()

    def sleep(self, seconds: float) -> bool:
        deadline = time.monotonic() + self.max_real_wait
        with self._cond:
            target = self._now + seconds
            while not self._closed and self._now < target:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return not self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
