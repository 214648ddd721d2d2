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

"""What a recovery flow needs besides Nova: config, clock, DB, cancel."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import threading
from typing import Any

from masakari.engine import timing

_CAP_LOCK = threading.Lock()
_CAPS: dict[int, threading.BoundedSemaphore] = {}
_POOLS: dict[int, concurrent.futures.ThreadPoolExecutor] = {}
# Real seconds prestart_evacuation_pool waits for its threads to start.
PRESTART_TIMEOUT = 10.0


def evacuation_cap(limit: int) -> threading.BoundedSemaphore:
    """The process-wide semaphore bounding concurrent evacuations."""
    with _CAP_LOCK:
        sem = _CAPS.get(limit)
        if sem is None:
            sem = threading.BoundedSemaphore(limit)
            _CAPS[limit] = sem
        return sem


def evacuation_pool(limit: int) -> concurrent.futures.ThreadPoolExecutor:
    """The process-wide threads that run evacuations (``limit`` at most).

    Shared by all recoveries and kept between them: starting a thread per
    instance in the middle of a recovery costs a GIL hand-over each while
    the other threads are busy sending requests to Nova, which delayed the
    last evacuations by a third of a second for a host with 50 instances.
    """
    with _CAP_LOCK:
        pool = _POOLS.get(limit)
        if pool is None:
            pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=limit, thread_name_prefix="masakari-evacuate"
            )
            _POOLS[limit] = pool
        return pool


def prestart_evacuation_pool(limit: int) -> None:
    """Start the evacuation threads now (engine start), not when needed."""
    pool = evacuation_pool(limit)
    release = threading.Event()
    # Each task holds its thread until all are submitted, so the pool
    # starts a new thread for every one of them.
    futures = [
        pool.submit(release.wait, PRESTART_TIMEOUT) for _ in range(limit)
    ]
    release.set()
    concurrent.futures.wait(futures, timeout=PRESTART_TIMEOUT)


def _default_db() -> Any:
    from masakari.db import api as db_api

    return db_api


@dataclasses.dataclass
class Runtime:
    """Shared by all tasks of one flow run.

    cancel is set when the engine lost the notification's lease or is
    shutting down: waits stop at once and work is left for the next owner.
    """

    conf: Any
    clock: timing.Clock = dataclasses.field(default_factory=timing.Clock)
    db: Any = None
    cancel: threading.Event = dataclasses.field(
        default_factory=threading.Event
    )
    notification_uuid: str = "-"
    cap: threading.BoundedSemaphore | None = None
    pool: concurrent.futures.ThreadPoolExecutor | None = None
    # host -> (clock.monotonic() when listed, servers): a listing one task
    # hands to the next so Nova is not asked twice in a row.
    listings: dict[str, tuple[float, list]] = dataclasses.field(
        default_factory=dict, repr=False
    )
    # The engine's fence devices (masakari.engine.fencing.fencer.Fencer),
    # or None when it has none.
    fencer: Any = None
    # Why the failed host counts as powered off, once known: a fallback
    # flow of the same recovery re-uses it instead of fencing again.
    fence_proof: str | None = None

    def __post_init__(self) -> None:
        if self.db is None:
            self.db = _default_db()
        limit = int(
            getattr(self.conf, "max_concurrent_evacuations", 64) or 64
        )
        if self.cap is None:
            self.cap = evacuation_cap(limit)
        if self.pool is None:
            self.pool = evacuation_pool(limit)

    def remember_servers(self, host: str, servers: list) -> None:
        """Keep a listing of ``host``'s servers for the next task."""
        self.listings[host] = (self.clock.monotonic(), list(servers))

    def recent_servers(self, host: str, max_age: float) -> list | None:
        """Take the kept listing of ``host`` if at most max_age old."""
        kept = self.listings.pop(host, None)
        if kept is None:
            return None
        taken, servers = kept
        if self.clock.monotonic() - taken > max_age:
            return None
        return servers
