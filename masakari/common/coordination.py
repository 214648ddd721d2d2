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

"""Process-wide distributed locks through tooz ([coordination] backend_url).

One coordinator per process, started on first use (with its heartbeat, so
a dead process's locks expire with its session) and stopped by
:func:`stop`.  Without a backend URL there is no tooz lock; the engine's
locks then live in the masakari database (:func:`engine_lock`).
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any

from oslo_config import cfg

_lock = threading.Lock()
_state: dict[str, Any] = {"url": None, "coordinator": None}


def backend_url(conf: Any) -> str | None:
    try:
        return conf.coordination.backend_url or None
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError, AttributeError):
        return None


def distributed_lock(conf: Any, name: str) -> Any | None:
    """The tooz lock ``name``, or None when no backend is configured."""
    url = backend_url(conf)
    if url is None:
        return None
    with _lock:
        if _state["coordinator"] is None or _state["url"] != url:
            _stop_locked()
            from tooz import coordination

            member = f"masakari-{socket.gethostname()}-{os.getpid()}"
            coordinator = coordination.get_coordinator(url, member.encode())
            coordinator.start(start_heart=True)
            _state.update(url=url, coordinator=coordinator)
        return _state["coordinator"].get_lock(name.encode())


def engine_lock(conf: Any, name: str) -> Any | None:
    """A lock ``name`` shared by every engine, or None if there is none.

    The tooz lock when a backend is configured, otherwise (unless
    [coordination] use_database_locks is off) a lock in the masakari
    database; both offer ``acquire(blocking=False)`` and ``release()``.
    """
    if backend_url(conf) is not None:
        return distributed_lock(conf, name)
    try:
        enabled = conf.coordination.use_database_locks
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError, AttributeError):
        enabled = False
    if not enabled:
        return None
    from masakari.db import advisory_lock

    return advisory_lock.database_lock(name, conf.database.connection)


def stop() -> None:
    """Stop the coordinator (its locks are released by the backend)."""
    with _lock:
        _stop_locked()


def _stop_locked() -> None:
    coordinator = _state["coordinator"]
    _state.update(url=None, coordinator=None)
    if coordinator is not None:
        try:
            coordinator.stop()
        except Exception:  # noqa: BLE001 - best effort on shutdown
            pass
