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

"""Which cluster nodes run a live hostmonitor, and which one reports.

Every monitor writes the current time into a transient node attribute
(``crm_attribute --lifetime reboot``: attrd on a live cluster, gone when
the node leaves or reboots) once per cycle; ``crm_mon -A`` shows them all.
A heartbeat is fresh while its value keeps changing: after the first
sighting only this host's clock is used, so clock skew between nodes does
not matter (the first sighting compares the value with this host's clock).

The reporter is the designated controller when it carries a fresh
heartbeat, else the online node (member or remote) with the lowest name
that does. Without any fresh heartbeat (older monitors, or the attribute
cannot be written) the caller keeps the controller-only rule.
"""

from __future__ import annotations

import math
from typing import Collection, Sequence

from masakarimonitors.hostmonitor.host_handler import crm_mon

ATTRIBUTE = "masakari-hostmonitor-heartbeat"
# Added to the staleness window on top of two cycles: time a cycle may
# spend in commands and the stonith wait.
SLACK = 30.0


def window(monitoring_interval: float, stonith_wait: float) -> float:
    """Seconds after which an unchanged heartbeat is stale."""
    return 2 * monitoring_interval + stonith_wait + SLACK


def publish_argv(node: str, now: float) -> Sequence[str]:
    return ("crm_attribute", "--lifetime", "reboot", "--node", node,
            "--name", ATTRIBUTE, "--update", str(int(now)))


def withdraw_argv(node: str) -> Sequence[str]:
    return ("crm_attribute", "--lifetime", "reboot", "--node", node,
            "--name", ATTRIBUTE, "--delete")


def _value(raw: str | None) -> int | None:
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


class Heartbeats:
    """Remembers when each node's heartbeat value last changed."""

    def __init__(self, stale_after: float) -> None:
        self.stale_after = stale_after
        self._seen: dict[str, tuple[int, float]] = {}

    def fresh(self, view: crm_mon.ClusterView, now: float) -> set[str]:
        seen: dict[str, tuple[int, float]] = {}
        for name, attrs in view.attributes.items():
            value = _value(attrs.get(ATTRIBUTE))
            if value is None:
                continue
            previous = self._seen.get(name)
            if previous is None:
                changed = (now if abs(now - value) <= self.stale_after
                           else -math.inf)
            elif previous[0] != value:
                changed = now
            else:
                changed = previous[1]
            seen[name] = (value, changed)
        self._seen = seen
        return {name for name, (_v, changed) in seen.items()
                if now - changed <= self.stale_after}


def elect(view: crm_mon.ClusterView, fresh: Collection[str]) -> str | None:
    """The reporting node among those with a fresh heartbeat, or None."""
    candidates = sorted(
        n.name for n in view.nodes
        if n.name in fresh and n.kind in crm_mon.WATCHED_KINDS
        and n.online and not n.unclean and not n.shutdown)
    if not candidates:
        return None
    return view.dc if view.dc in candidates else candidates[0]
