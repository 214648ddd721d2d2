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

"""One status poll per round for every server a recovery waits on.

Instead of one GET per instance per second, waiters register a predicate
and a deadline; a single thread fetches all their servers in one batch per
round and wakes each waiter whose predicate is satisfied, failed or expired.

The first round comes one interval after the first waiter registered: the
waiters are instances whose evacuation was just requested, and a round
right away would only compete with the requests still being sent.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Iterable

from masakari.engine import exceptions
from masakari.engine import timing

LOG = logging.getLogger(__name__)
# Predicate result: True = done, None/False = keep waiting; raising = failed.
Check = Callable[[dict], Any]
Fetch = Callable[[list[str]], dict[str, dict]]
_MAX_IDLE_WAIT = 1.0


class _Waiter:
    def __init__(
        self,
        server_id: str,
        check: Check,
        deadline: float,
        timeout: float,
        what: str,
    ) -> None:
        self.server_id = server_id
        self.check = check
        self.deadline = deadline
        self.timeout = timeout
        self.what = what
        self.done = threading.Event()
        self.result: dict | None = None
        self.error: BaseException | None = None

    def resolve(
        self, result: dict | None = None, error: BaseException | None = None
    ) -> None:
        self.result, self.error = result, error
        self.done.set()


class BatchPoller:
    def __init__(
        self,
        fetch: Fetch,
        clock: timing.Clock,
        interval: float,
        cancel: threading.Event,
        cancelled: Callable[[], Exception],
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._interval = max(float(interval), 0.01)
        self._cancel = cancel
        self._cancelled = cancelled
        self._lock = threading.Lock()
        self._waiters: list[_Waiter] = []
        self._thread: threading.Thread | None = None
        self.rounds = 0

    def wait_for(
        self, server_id: str, check: Check, timeout: float, what: str
    ) -> dict:
        """Block until check(server) is truthy; raise its error/timeout."""
        waiter = _Waiter(
            server_id, check, self._clock.monotonic() + timeout, timeout, what
        )
        with self._lock:
            self._waiters.append(waiter)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="masakari-poller", daemon=True
                )
                self._thread.start()
        while not waiter.done.wait(_MAX_IDLE_WAIT):
            with self._lock:
                alive = self._thread is not None and self._thread.is_alive()
            if not alive and not waiter.done.is_set():
                waiter.resolve(
                    error=exceptions.WaitTimeout(timeout=timeout, what=what)
                )
        if waiter.error is not None:
            raise waiter.error
        assert waiter.result is not None
        return waiter.result

    def _pending(self) -> list[_Waiter]:
        with self._lock:
            self._waiters = [w for w in self._waiters if not w.done.is_set()]
            if not self._waiters:
                self._thread = None
            return list(self._waiters)

    def _run(self) -> None:
        try:
            self._clock.sleep(self._interval, self._cancel)
            while True:
                waiters = self._pending()
                if not waiters:
                    return
                if self._cancel.is_set():
                    for waiter in waiters:
                        waiter.resolve(error=self._cancelled())
                    continue
                self._round(waiters)
                if self._pending():
                    self._clock.sleep(self._interval, self._cancel)
        except BaseException as err:  # noqa: BLE001
            # Never leave waiters hanging.
            LOG.exception("Status poller failed")
            for waiter in self._pending():
                waiter.resolve(error=err)
            with self._lock:
                self._thread = None

    def _round(self, waiters: Iterable[_Waiter]) -> None:
        waiters = list(waiters)
        self.rounds += 1
        ids = sorted({w.server_id for w in waiters})
        try:
            servers = self._fetch(ids)
        except Exception as err:  # noqa: BLE001
            # Transient Nova errors: keep polling.
            LOG.warning("Polling %d server(s) failed: %s", len(ids), err)
            servers = {}
        now = self._clock.monotonic()
        for waiter in waiters:
            server = servers.get(waiter.server_id)
            if server:
                try:
                    if waiter.check(server):
                        waiter.resolve(result=server)
                        continue
                except Exception as err:  # noqa: BLE001
                    # The predicate reports a failure.
                    waiter.resolve(error=err)
                    continue
            if now >= waiter.deadline:
                waiter.resolve(
                    error=exceptions.WaitTimeout(
                        timeout=waiter.timeout, what=waiter.what
                    )
                )
