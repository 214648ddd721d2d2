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

"""Evacuations of one host begin in the order of their plan.

Each evacuation runs on a pool thread and needs one of the recovery's
slots (host_failure_recovery_threads) to send its requests to Nova. A
semaphore hands slots to whichever thread asks first, so with fewer slots
than instances a non-HA instance could start before an HA-enabled one
planned ahead of it. Here a thread may ask for its first slot only when
every evacuation planned before it has got one (or has ended).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Iterator


class StartOrder:
    """Hands out the first slot of each evacuation in plan order."""

    def __init__(self, plan: list[str], max_wait: float) -> None:
        """``plan``: vmove uuids in order; ``max_wait``: the longest a
        thread waits for its turn before it asks anyway."""
        self._waiting = list(plan)
        self._max_wait = max_wait
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def first_slot(self, uuid: str, slots: threading.Semaphore
                   ) -> Iterator[None]:
        """Hold one of ``slots``, taken in ``uuid``'s turn."""
        with self._cond:
            self._cond.wait_for(
                lambda: not self._waiting or self._waiting[0] == uuid
                or uuid not in self._waiting,
                timeout=self._max_wait)
        try:
            slots.acquire()
        finally:
            self.passed(uuid)
        try:
            yield
        finally:
            slots.release()

    def passed(self, uuid: str) -> None:
        """``uuid`` no longer waits (it has its slot, or it ended)."""
        with self._cond:
            if uuid in self._waiting:
                self._waiting.remove(uuid)
                self._cond.notify_all()
