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

"""Fault injection: make the next N matching calls slow, fail or hang.

A :class:`Fault` matches requests by route kind (``compute.server.action``),
server action (``evacuate``), method and path pattern; each match consumes
one of its ``times`` (``None`` = forever). Effects, applied in order:
``latency`` (simulated seconds before answering), then either ``status`` (an
error answer in the service's own error format), or ``drop`` (hold the
connection ``hold`` simulated seconds, then close it without answering: the
client sees a timeout or a reset), or nothing (the call proceeds).

Rebuild faults (:class:`RebuildFault`) act later, inside the simulated
compute: the next N evacuations (optionally of one server or towards one
host) ``hang`` (stay in task_state rebuild_spawning forever) or ``fail``
(end in vm_state error).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import itertools
import threading

_ids = itertools.count(1)

REBUILD_MODES = ('hang', 'fail')


@dataclasses.dataclass
class Fault:
    kind: str | None = None
    action: str | None = None
    method: str | None = None
    path: str | None = None
    times: int | None = 1
    latency: float = 0.0
    status: int | None = None
    message: str | None = None
    drop: bool = False
    hold: float = 0.0
    id: int = dataclasses.field(default_factory=lambda: next(_ids))
    hits: int = 0

    def __post_init__(self) -> None:
        if self.times is not None and self.times < 1:
            raise ValueError('times must be >= 1 or None')
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError('status must be an HTTP error code')
        if self.status is not None and self.drop:
            raise ValueError('a fault either answers an error or drops')
        if self.latency < 0 or self.hold < 0:
            raise ValueError('latency and hold must not be negative')
        if self.method:
            self.method = self.method.upper()

    def matches(self, kind: str, action: str | None, method: str,
                path: str) -> bool:
        return ((self.kind is None or fnmatch.fnmatchcase(kind, self.kind))
                and (self.action is None or self.action == action)
                and (self.method is None or self.method == method)
                and (self.path is None
                     or fnmatch.fnmatchcase(path, self.path)))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class RebuildFault:
    mode: str
    times: int | None = 1
    server_id: str | None = None
    target_host: str | None = None
    id: int = dataclasses.field(default_factory=lambda: next(_ids))

    def __post_init__(self) -> None:
        if self.mode not in REBUILD_MODES:
            raise ValueError('mode must be one of %s' % (REBUILD_MODES,))
        if self.times is not None and self.times < 1:
            raise ValueError('times must be >= 1 or None')

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


class FaultInjector:
    """Holds the active faults; ``take_*`` consume a match atomically."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._rebuild: list[RebuildFault] = []

    def add(self, fault: Fault | None = None, **kwargs) -> Fault:
        fault = fault or Fault(**kwargs)
        with self._lock:
            self._faults.append(fault)
        return fault

    def add_rebuild(self, fault: RebuildFault | None = None,
                    **kwargs) -> RebuildFault:
        fault = fault or RebuildFault(**kwargs)
        with self._lock:
            self._rebuild.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._rebuild.clear()

    def list(self) -> list[dict]:
        with self._lock:
            return ([f.to_dict() for f in self._faults]
                    + [dict(f.to_dict(), mode_kind='rebuild')
                       for f in self._rebuild])

    def take(self, kind: str, action: str | None, method: str,
             path: str) -> Fault | None:
        """First matching request fault, consuming one of its uses."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(kind, action, method, path):
                    fault.hits += 1
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def take_rebuild(self, server_id: str,
                     target_host: str | None) -> str | None:
        """Mode ('hang'/'fail') of the first matching rebuild fault."""
        with self._lock:
            for fault in self._rebuild:
                if ((fault.server_id is None or fault.server_id == server_id)
                        and (fault.target_host is None
                             or fault.target_host == target_host)):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._rebuild.remove(fault)
                    return fault.mode
        return None
