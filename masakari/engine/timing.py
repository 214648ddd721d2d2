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
