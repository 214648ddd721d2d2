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

"""A record of every request the simulator answered.

Tests assert the exact sequence of calls a recovery flow made, e.g.::

    calls = cloud.journal.entries(kind='compute.server.action')
    assert [c.action for c in calls] == ['lock', 'evacuate', 'unlock']
"""

from __future__ import annotations

import dataclasses
import fnmatch
import threading
from typing import Any


@dataclasses.dataclass(frozen=True)
class Entry:
    """One answered (or dropped) request."""

    seq: int
    time: float               # simulated clock, when the request arrived
    service: str              # 'identity' | 'compute' | 'admin'
    kind: str                 # route name, e.g. 'compute.server.action'
    method: str
    path: str                 # path below the service prefix, e.g. /servers/x
    query: dict[str, list[str]]
    body: Any                 # parsed JSON, raw text, or None
    status: int               # 0 when the connection was dropped
    action: str | None = None  # server/aggregate action name, if any
    microversion: str | None = None
    request_id: str | None = None
    global_request_id: str | None = None
    user: str | None = None   # authenticated user name

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


class Journal:
    """Thread-safe, append-only list of :class:`Entry` with filters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[Entry] = []
        self._seq = 0

    def record(self, **fields: Any) -> Entry:
        with self._lock:
            self._seq += 1
            entry = Entry(seq=self._seq, **fields)
            self._entries.append(entry)
            return entry

    def entries(self, kind: str | None = None, method: str | None = None,
                path: str | None = None, service: str | None = None,
                action: str | None = None, since: int = 0) -> list[Entry]:
        """Entries matching every given filter.

        ``kind`` and ``path`` are shell-style patterns (``compute.*``,
        ``/servers/*/action``); ``since`` keeps entries with ``seq > since``.
        """
        with self._lock:
            snapshot = list(self._entries)
        return [e for e in snapshot if e.seq > since
                and (kind is None or fnmatch.fnmatchcase(e.kind, kind))
                and (method is None or e.method == method.upper())
                and (path is None or fnmatch.fnmatchcase(e.path, path))
                and (service is None or e.service == service)
                and (action is None or e.action == action)]

    def last_seq(self) -> int:
        with self._lock:
            return self._seq

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
