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

"""The one seam between the engine and a recovery driver.

What the engine gives a driver
    The driver is built with the engine's configuration only
    (``driver_class(conf=conf)``). Everything else arrives with each
    notification, in a single :class:`RecoveryRuntime` passed as the
    ``runtime`` keyword argument of every ``execute_*`` method:

    * ``notification_uuid`` and ``conf``;
    * ``clock``: every wait goes through it (deadlines with polling);
    * ``cancel``: set when the engine lost the notification's lease or is
      shutting down; waits stop at once and the work is left as it is for
      the next owner (the driver raises ``RecoveryCancelled``);
    * ``store``: the only way to write rows (a host's ``reserved`` flag,
      vmove records) and the few rows a recovery reads, see
      :class:`RecoveryStore`;
    * ``pools``: the engine's evacuation threads and the process-wide cap
      on concurrent evacuations (:class:`EvacuationPools`);
    * ``locks``: per-name locks shared by the recoveries of this engine and,
      when configured, by all engines (:class:`EngineLocks`);
    * ``fencer``: the engine's fence devices, or None.

What a driver must do
    Subclass :class:`NotificationDriver`. ``execute_*`` return when the
    recovery succeeded and raise otherwise: the ``Skip*Exception`` and
    ``IgnoreInstanceRecoveryException`` of ``masakari.engine.exceptions``
    end the notification 'finished' or 'ignored', ``RecoveryCancelled``
    hands it back for another run, anything else ends it in 'error'.
    Data it keeps between its own steps stays inside the driver; rows are
    written through ``runtime.store`` only.
"""

from __future__ import annotations

import abc
import concurrent.futures
import dataclasses
import threading
from typing import Any, Iterable, Protocol

from masakari.engine import timing

# Real seconds EvacuationPools.prestart waits for its threads to start.
PRESTART_TIMEOUT = 10.0


class RecoveryStore(Protocol):
    """The rows a recovery driver may touch.

    Host rows: only the ``reserved`` flag of a reserved host the recovery
    uses (the engine announces the change as host.update.*). Vmove rows:
    created and updated freely; the ``*_many``/``*_each`` forms write
    several in one transaction. The reads serve the safety gates.
    """

    def set_host_reserved(self, host_name: str, reserved: bool) -> None: ...

    def host_get_by_name(self, host_name: str) -> Any: ...

    def host_get_all_by_filters(self, filters: dict, **kwargs: Any) -> list:
        ...

    def notification_get_by_uuid(self, notification_uuid: str) -> Any: ...

    def notification_get_all_by_filters(
        self, filters: dict, **kwargs: Any
    ) -> list: ...

    def vmove_get_all_by_filters(self, filters: dict, **kwargs: Any) -> list:
        ...

    def vmove_get_by_uuid(self, uuid: str) -> Any: ...

    def vmove_create_many(self, values_list: list[dict]) -> list: ...

    def vmove_update(self, uuid: str, values: dict) -> Any: ...

    def vmove_update_many(self, uuids: list[str], values: dict) -> Any: ...

    def vmove_update_each(
        self, updates: Iterable[tuple[str, dict]]
    ) -> Any: ...


class EvacuationPools:
    """The engine's evacuation threads and the cap on evacuations.

    Shared by all recoveries of the engine and kept between them:
    starting a thread per instance in the middle of a recovery costs a
    GIL hand-over each while the other threads are busy sending requests
    to Nova, which delayed the last evacuations of a 50-instance host by
    a third of a second.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.cap = threading.BoundedSemaphore(limit)
        self.executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=limit, thread_name_prefix="masakari-evacuate"
        )

    def prestart(self) -> None:
        """Start every evacuation thread now instead of when needed."""
        release = threading.Event()
        # Each task holds its thread until all are submitted, so the pool
        # starts a new thread for every one of them.
        futures = [
            self.executor.submit(release.wait, PRESTART_TIMEOUT)
            for _ in range(self.limit)
        ]
        release.set()
        concurrent.futures.wait(futures, timeout=PRESTART_TIMEOUT)

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


class EngineLocks:
    """Named locks: one per name in this engine, plus a shared one.

    ``shared`` is a callable name -> lock-or-None giving a lock held
    across engines (tooz or the database, see masakari.common.coordination)
    with ``acquire(blocking=False)`` and ``release()``; None means this
    engine alone decides.
    """

    def __init__(self, shared: Any = None) -> None:
        self._guard = threading.Lock()
        self._local: dict[str, threading.Lock] = {}
        self._shared = shared

    def local(self, name: str) -> threading.Lock:
        with self._guard:
            return self._local.setdefault(name, threading.Lock())

    def shared(self, name: str) -> Any | None:
        return None if self._shared is None else self._shared(name)


@dataclasses.dataclass
class RecoveryRuntime:
    """Everything the engine gives a driver for one notification."""

    conf: Any
    store: RecoveryStore
    pools: EvacuationPools
    locks: EngineLocks
    clock: timing.Clock = dataclasses.field(default_factory=timing.Clock)
    cancel: threading.Event = dataclasses.field(
        default_factory=threading.Event
    )
    notification_uuid: str = "-"
    fencer: Any = None
    # masakari.common.metrics.Metrics of the engine (fence attempts), or
    # None when nobody counts.
    metrics: Any = None
    # Why the failed host counts as powered off, once known: a fallback
    # flow of the same recovery re-uses it instead of fencing again.
    fence_proof: str | None = None


class NotificationDriver(abc.ABC):
    """Runs recoveries: returns on success, raises for other outcomes."""

    @abc.abstractmethod
    def execute_host_failure(
        self,
        context: Any,
        host_name: str,
        recovery_method: str,
        notification_uuid: str,
        **kwargs: Any,
    ) -> None:
        """kwargs: runtime, reserved_host_list, fenced, fence_evidence."""

    @abc.abstractmethod
    def execute_instance_failure(
        self,
        context: Any,
        instance_uuid: str,
        notification_uuid: str,
        **kwargs: Any,
    ) -> None:
        """kwargs: runtime, host_name (the reporting host)."""

    @abc.abstractmethod
    def execute_process_failure(
        self,
        context: Any,
        process_name: str,
        host_name: str,
        notification_uuid: str,
        **kwargs: Any,
    ) -> None:
        """kwargs: runtime."""

    @abc.abstractmethod
    def get_notification_recovery_workflow_details(
        self, context: Any, notification_uuid: str
    ) -> list[dict]:
        """Progress of every task of every run, in run and task order."""

    def warm_up(self) -> None:
        """Load what the first recovery would otherwise load (optional)."""

    def upgrade_backend(self, backend: str) -> None:
        """Create or upgrade the driver's own persistence (db sync)."""

    # Retries of a notification in 'error' are counted here rather than in
    # the periodic task's memory, so a restarted (or another) engine keeps
    # counting. This default keeps them in memory; drivers with persistent
    # state override both methods.
    def get_retry_count(self, notification_uuid: str) -> int:
        return self.__dict__.get("_retry_counts", {}).get(
            notification_uuid, 0
        )

    def set_retry_count(self, notification_uuid: str, count: int) -> None:
        self.__dict__.setdefault("_retry_counts", {})[notification_uuid] = (
            count
        )
