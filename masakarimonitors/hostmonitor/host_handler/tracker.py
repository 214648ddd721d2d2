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

"""Per-host state machine of the Pacemaker driver.

Each cycle feeds one crm_mon view. An observation is normalised to
``online`` or ``offline``; a change is trusted after
``monitoring_samples`` identical observations. A trusted change to offline
is classified:

* planned — clean shutdown of a member (``expected_up`` false), or a node
  that was in standby/maintenance/shutting down when last seen online, or
  cluster maintenance mode — and not fenced: not reported;
* failure — reported STOPPED once the host is confirmed off (fencing
  history or IPMI: host_status NORMAL, with that evidence in the payload's
  ``fencing`` key), or after ``fencing_timeout`` without confirmation
  (UNKNOWN; a later confirmation is reported again with NORMAL). With
  ``assume_fenced`` a failure without evidence is reported NORMAL too, but
  without the ``fencing`` key.

A host first seen offline is reported when it is unclean, a member the
cluster expects up, or was fenced recently; a host cleanly down before we
started is not.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
from typing import Callable, Protocol

from masakarimonitors.hostmonitor import events
from masakarimonitors.hostmonitor.host_handler import crm_mon

LOG = logging.getLogger(__name__)

ONLINE = "online"
OFFLINE = "offline"

# Fencing completes after the last online observation; allow for clock
# skew between the node that fenced and this one.
CLOCK_SKEW = 5.0


class Oracle(Protocol):
    """Where the tracker looks for proof that a host is off."""

    def fenced_since(self, host: str, since: float
                     ) -> events.Evidence | None:
        """Evidence of a fencing of ``host`` completed at or after
        ``since`` (epoch seconds), or None."""

    def bmc_known(self, host: str) -> bool:
        """Whether ``host``'s BMC can be asked at all."""

    def power_off(self, host: str) -> events.Evidence | None:
        """Evidence that the BMC reports ``host`` powered off, or None."""


@dataclasses.dataclass(frozen=True)
class Settings:
    samples: int = 1
    fencing_timeout: float = 120
    lookback: float = 600
    ipmi_enabled: bool = True
    ipmi_retry_max: int = 3
    ipmi_retry_interval: float = 10
    assume_fenced: bool = False
    report_evidence: bool = True

    @classmethod
    def from_conf(cls, host_conf) -> Settings:
        return cls(samples=host_conf.monitoring_samples,
                   fencing_timeout=host_conf.fencing_timeout,
                   lookback=host_conf.fencing_history_lookback,
                   ipmi_enabled=not host_conf.disable_ipmi_check,
                   ipmi_retry_max=host_conf.ipmi_retry_max,
                   ipmi_retry_interval=host_conf.ipmi_retry_interval,
                   assume_fenced=host_conf.assume_fenced_when_offline,
                   report_evidence=host_conf.report_fencing_evidence)


@dataclasses.dataclass
class Pending:
    """A failure waiting for power-off confirmation."""
    started: float
    fenced_after: float
    reported_unknown: bool = False
    ipmi_attempts: int = 0
    next_ipmi: float = 0.0


@dataclasses.dataclass
class HostState:
    samples: collections.deque
    held: str | None = None
    last_online: float | None = None
    last_online_planned: bool = False
    pending: Pending | None = None


def normalise(node: crm_mon.Node) -> str:
    return ONLINE if node.online and not node.unclean else OFFLINE


def planned_flags(node: crm_mon.Node, view: crm_mon.ClusterView) -> bool:
    return (view.maintenance_mode or node.standby or node.maintenance
            or node.shutdown)


class Tracker:
    def __init__(self, settings: Settings, is_self: Callable[[str], bool],
                 now: Callable[[], object] = events.utcnow) -> None:
        self.settings = settings
        self._is_self = is_self
        self._now = now
        self.hosts: dict[str, HostState] = {}

    @property
    def has_pending(self) -> bool:
        return any(s.pending for s in self.hosts.values())

    def observe(self, view: crm_mon.ClusterView, nodes: list[crm_mon.Node],
                now: float, oracle: Oracle, may_probe: bool) -> list[dict]:
        """Feed one view; returns the notifications to send.

        ``may_probe``: this monitor is the reporter and may query BMCs.
        """
        out: list[dict] = []
        for node in nodes:
            if self._is_self(node.name):
                continue
            note = self._observe_node(view, node, now, oracle, may_probe)
            if note is not None:
                out.append(note)
        return out

    def recheck(self, now: float, oracle: Oracle, may_probe: bool
                ) -> list[dict]:
        """Look again for confirmations of pending failures only."""
        out = []
        for name, st in list(self.hosts.items()):
            if st.pending is not None and st.held == OFFLINE:
                note = self._resolve(name, st.pending, now, oracle,
                                     may_probe)
                if note is not None:
                    out.append(note)
        return out

    def _state(self, name: str) -> HostState:
        state = self.hosts.get(name)
        if state is None:
            state = HostState(collections.deque(maxlen=self.settings.samples))
            self.hosts[name] = state
        return state

    def _observe_node(self, view, node, now, oracle, may_probe):
        st = self._state(node.name)
        status = normalise(node)
        st.samples.append(status)
        if st.held is None and status == ONLINE:
            # Like upstream, an online node is known from its first sight;
            # only changes need samples.
            return self._online(view, node, st, now)
        if (len(st.samples) < self.settings.samples
                or len(set(st.samples)) != 1):
            return None
        if st.samples[-1] == ONLINE:
            return self._online(view, node, st, now)
        return self._offline(view, node, st, now, oracle, may_probe)

    def _online(self, view, node, st, now):
        was = st.held
        st.held = ONLINE
        st.pending = None
        st.last_online = now
        st.last_online_planned = planned_flags(node, view)
        if was == OFFLINE:
            return self._note(node.name, events.STARTED, events.NORMAL)
        if was is None:
            LOG.info("New cluster node %s (online)", node.name)
        return None

    def _offline(self, view, node, st, now, oracle, may_probe):
        if st.held != OFFLINE:
            first = st.held is None
            st.pending = self._classify(view, node, st, now, oracle, first)
            st.held = OFFLINE
        if st.pending is None:
            return None
        return self._resolve(node.name, st.pending, now, oracle, may_probe)

    def _classify(self, view, node, st, now, oracle, first):
        if first:
            since = now - self.settings.lookback
            expected_up = node.kind == crm_mon.MEMBER and node.expected_up
            if (node.unclean or expected_up
                    or oracle.fenced_since(node.name, since)):
                LOG.warning("Cluster node %s was already failed at start",
                            node.name)
                return Pending(started=now, fenced_after=since)
            LOG.info("Cluster node %s is down (was down at start)",
                     node.name)
            return None
        since = (st.last_online or now) - CLOCK_SKEW
        if not node.unclean and not oracle.fenced_since(node.name, since):
            clean_leave = node.kind == crm_mon.MEMBER and not node.expected_up
            if (clean_leave or st.last_online_planned
                    or planned_flags(node, view)):
                LOG.info("Cluster node %s went down as planned; not a "
                         "failure", node.name)
                return None
        LOG.warning("Cluster node %s failed", node.name)
        return Pending(started=now, fenced_after=since)

    def _resolve(self, name, pending, now, oracle, may_probe):
        s = self.settings
        evidence = oracle.fenced_since(name, pending.fenced_after)
        ipmi_busy = False
        if (evidence is None and not s.assume_fenced and s.ipmi_enabled
                and may_probe and pending.ipmi_attempts <= s.ipmi_retry_max):
            if now >= pending.next_ipmi:
                evidence = self._ask_bmc(name, pending, now, oracle)
            ipmi_busy = (evidence is None
                         and pending.ipmi_attempts <= s.ipmi_retry_max)
        if evidence is not None or s.assume_fenced:
            self.hosts[name].pending = None
            if evidence is None:
                LOG.warning("Reporting %s as fenced without evidence "
                            "(assume_fenced_when_offline)", name)
            return self._note(name, events.STOPPED, events.NORMAL, evidence)
        if (not pending.reported_unknown and not ipmi_busy
                and now - pending.started >= s.fencing_timeout):
            pending.reported_unknown = True
            LOG.warning("Failure of %s not confirmed by fencing or IPMI",
                        name)
            return self._note(name, events.STOPPED, events.UNKNOWN)
        return None

    def _ask_bmc(self, name, pending, now, oracle):
        s = self.settings
        pending.next_ipmi = now + s.ipmi_retry_interval
        if not oracle.bmc_known(name):
            pending.ipmi_attempts = s.ipmi_retry_max + 1   # nothing to retry
            return None
        pending.ipmi_attempts += 1
        return oracle.power_off(name)

    def _note(self, name, event, host_status, evidence=None):
        if not self.settings.report_evidence:
            evidence = None
        return events.compute_host(name, event, host_status, now=self._now,
                                   evidence=evidence)
