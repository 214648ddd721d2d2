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

"""Host up/down transitions shared by the consul and kubernetes drivers.

A driver feeds, per host and cycle, an already stabilised verdict: ``UP``,
``DOWN`` (recovery wanted) or ``None`` (undecided: samples mixed or no
rule applies). A host found down at its first verdict is reported once; a
STARTED is sent only to balance a STOPPED, so flapping between undecided
and up sends nothing.
"""

from __future__ import annotations

import collections
from typing import Hashable, Iterable, Mapping

from masakarimonitors.hostmonitor import events

UP = "up"
DOWN = "down"


def stable(samples: Iterable[Hashable], needed: int):
    """The common value of the last ``needed`` samples, else None."""
    samples = list(samples)
    if len(samples) < needed or len(set(samples)) != 1:
        return None
    return samples[0]


def looks_partitioned(up: Mapping[str, bool], is_self, threshold: float
                      ) -> bool:
    """True when this host, not its peers, is probably the problem: more
    than ``threshold`` of the peers look down at once, or this host looks
    down itself."""
    if any(is_self(h) and not ok for h, ok in up.items()):
        return True
    peers = [ok for h, ok in up.items() if not is_self(h)]
    if not peers or threshold >= 1.0:
        return False
    return peers.count(False) / len(peers) > threshold


class Transitions:
    def __init__(self) -> None:
        self._reported_down: set[str] = set()

    def forget(self, keep: Iterable[str]) -> None:
        self._reported_down &= set(keep)

    def verdict(self, host: str, value: str | None) -> str | None:
        """Record a verdict; returns STARTED/STOPPED when one is due."""
        if value == DOWN and host not in self._reported_down:
            self._reported_down.add(host)
            return events.STOPPED
        if value == UP and host in self._reported_down:
            self._reported_down.discard(host)
            return events.STARTED
        return None


class SampleHistory:
    """Per-host FIFO of the last N observations."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: dict[str, collections.deque] = {}

    def add(self, host: str, value) -> list:
        dq = self._data.setdefault(host,
                                   collections.deque(maxlen=self.size))
        dq.append(value)
        return list(dq)

    def hosts(self) -> list[str]:
        return list(self._data)

    def forget(self, keep: Iterable[str]) -> None:
        keep = set(keep)
        for host in list(self._data):
            if host not in keep:
                del self._data[host]
