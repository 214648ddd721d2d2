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

"""Locks shared by processes through tooz ([coordination] backend_url).

A :class:`Coordination` belongs to one service: its tooz coordinator is
started on first use (with its heartbeat, so a dead process's locks expire
with its session) and stopped by :meth:`Coordination.stop`. Without a
backend URL there is no tooz lock; the engine's locks then live in the
masakari database (:meth:`Coordination.engine_lock`).
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any


def backend_url(conf: Any) -> str | None:
    """[coordination] backend_url, None when empty."""
    return conf.coordination.backend_url or None


class Coordination:
    """The distributed locks of one service (built from its config)."""

    def __init__(self, conf: Any) -> None:
        self.conf = conf
        self._lock = threading.Lock()
        self._url: str | None = None
        self._coordinator: Any = None
        self._db_locks: Any = None

    def backend_url(self) -> str | None:
        return backend_url(self.conf)

    def distributed_lock(self, name: str) -> Any | None:
        """The tooz lock ``name``, or None when no backend is configured."""
        url = self.backend_url()
        if url is None:
            return None
        with self._lock:
            if self._coordinator is None or self._url != url:
                self._stop_locked()
                from tooz import coordination

                member = f"masakari-{socket.gethostname()}-{os.getpid()}"
                coordinator = coordination.get_coordinator(
                    url, member.encode()
                )
                coordinator.start(start_heart=True)
                self._url, self._coordinator = url, coordinator
            return self._coordinator.get_lock(name.encode())

    def engine_lock(self, name: str) -> Any | None:
        """A lock ``name`` shared by every engine, or None if there is none.

        The tooz lock when a backend is configured, otherwise (unless
        [coordination] use_database_locks is off) a lock in the masakari
        database; both offer ``acquire(blocking=False)`` and ``release()``.
        """
        if self.backend_url() is not None:
            return self.distributed_lock(name)
        if not self.conf.coordination.use_database_locks:
            return None
        connection = self.conf.database.connection
        if not connection:
            return None
        with self._lock:
            if self._db_locks is None:
                from masakari.db import advisory_lock

                self._db_locks = advisory_lock.DatabaseLocks(connection)
            return self._db_locks.lock(name)

    def stop(self) -> None:
        """Stop the coordinator (its locks are released by the backend)."""
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        db_locks, self._db_locks = self._db_locks, None
        if db_locks is not None:
            db_locks.close()
        coordinator = self._coordinator
        self._url, self._coordinator = None, None
        if coordinator is not None:
            try:
                coordinator.stop()
            except Exception:  # noqa: BLE001 - best effort on shutdown
                pass
