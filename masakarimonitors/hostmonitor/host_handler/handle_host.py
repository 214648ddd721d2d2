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

"""Pacemaker host monitoring driver (``monitoring_driver = default``).

One daemon watches full cluster members and pacemaker-remote nodes
together, from ``crm_mon`` XML. Nothing is trusted without quorum. Only
one monitor reports a failure (see heartbeat.py): the designated
controller's when it runs one, else the one on the online node with the
lowest name. Monitors that publish no heartbeat (older versions) leave the
role to the controller (on pacemaker-remote nodes: the online remote node
with the lowest name). The others track the same state and take over what
is still unreported when the role moves to them.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

from oslo_config import cfg

from masakarimonitors.hostmonitor import commands
from masakarimonitors.hostmonitor import driver
from masakarimonitors.hostmonitor import names
from masakarimonitors.hostmonitor.host_handler import crm_mon
from masakarimonitors.hostmonitor.host_handler import fencing
from masakarimonitors.hostmonitor.host_handler import heartbeat
from masakarimonitors.hostmonitor.host_handler import stack
from masakarimonitors.hostmonitor.host_handler import tracker

LOG = logging.getLogger(__name__)

# Seconds between fencing-confirmation checks of a pending failure.
PENDING_POLL = 5.0


class HandleHost(driver.PollingDriver):
    def __init__(self, conf: cfg.ConfigOpts,
                 send: Callable[[dict], bool] | None = None,
                 clock: Callable[[], float] = time.time,
                 wait: Callable[[float], bool] | None = None,
                 notifier=None,
                 runner: commands.Runner = commands.run,
                 history_reader: Callable[[], str] | None = None,
                 self_names: names.SelfNames | None = None) -> None:
        super().__init__(conf, send=send, clock=clock, wait=wait,
                         notifier=notifier)
        host = self.conf.host
        self.runner = runner
        self.crm_mon = crm_mon.CrmMon(runner)
        self.oracle = fencing.FenceOracle(
            runner, ipmi_timeout=host.ipmi_timeout,
            password_file=host.ipmi_password_file,
            history_reader=history_reader, clock=clock)
        self.names = self_names or names.SelfNames.from_conf(self.conf)
        self.tracker = tracker.Tracker(tracker.Settings.from_conf(host),
                                       self.names.matches)
        self.delegated: dict[str, tuple[dict, float]] = {}
        self._warned_unknown_self = False
        self._leader = False
        self.heartbeats = heartbeat.Heartbeats(
            heartbeat.window(host.monitoring_interval, host.stonith_wait))
        self._published_as: str | None = None
        self._publish_failed = False

    # -- one cycle -------------------------------------------------------

    def run_cycle(self) -> None:
        host = self.conf.host
        local = stack.local_stack(host.pacemaker_node_type, self.runner)
        if local is None:
            LOG.error("Neither the cluster stack (corosync, pacemaker) nor "
                      "pacemaker_remote runs here; skipping this check")
            return
        if local == stack.CLUSTER and not stack.heartbeat_ok(
                host.corosync_multicast_interfaces,
                host.corosync_multicast_ports, host.tcpdump_timeout,
                self.runner):
            LOG.warning("No corosync traffic from peers; this host may be "
                        "isolated. Waiting %ss for fencing", host.stonith_wait)
            if self.wait(host.stonith_wait):
                return
        try:
            view = self.crm_mon.read()
        except crm_mon.StatusError as exc:
            LOG.error("No cluster status, skipping this check: %s", exc)
            return
        if not view.quorum:
            LOG.warning("Cluster has no quorum (or no controller); node "
                        "status not trusted, skipping this check")
            return
        me = self._my_node(view)
        if (local == stack.CLUSTER and me is not None
                and not stack.controller_stable(me.name, self.runner)):
            return
        now = self.clock()
        leader = self._is_reporter(view, me, now)
        self._leader = leader
        self.oracle.new_cycle()
        notes = self.tracker.observe(view, self._watched(view), now,
                                     self.oracle, may_probe=leader)
        self._dispatch(notes, leader, now)

    def idle_poll(self) -> float | None:
        # While a failure waits for its power-off confirmation, look for it
        # more often than the full checks run.
        return PENDING_POLL if self.tracker.has_pending else None

    def idle_work(self) -> None:
        self.oracle.new_cycle()
        now = self.clock()
        notes = self.tracker.recheck(now, self.oracle,
                                     may_probe=self._leader)
        self._dispatch(notes, self._leader, now)

    def _watched(self, view: crm_mon.ClusterView) -> list[crm_mon.Node]:
        kinds = ({crm_mon.REMOTE} if self.conf.host.restrict_to_remotes
                 else crm_mon.WATCHED_KINDS)
        return [n for n in view.nodes if n.kind in kinds]

    def _my_node(self, view: crm_mon.ClusterView) -> crm_mon.Node | None:
        return next((n for n in view.nodes if self.names.matches(n.name)),
                    None)

    def _is_reporter(self, view: crm_mon.ClusterView,
                     me: crm_mon.Node | None, now: float) -> bool:
        if self.conf.host.reporting == "all":
            return True
        if me is None:
            if not self._warned_unknown_self:
                LOG.warning("This host is not a node of the cluster (check "
                            "[DEFAULT] hostname); reporting every failure")
                self._warned_unknown_self = True
            return True
        fresh = self.heartbeats.fresh(view, now)
        if self._publish(me.name, now):
            fresh.add(me.name)
        elected = heartbeat.elect(view, fresh)
        if elected is not None:
            return elected == me.name
        # No monitor publishes heartbeats: the controller reports.
        if me.kind == crm_mon.MEMBER:
            return view.dc == me.name
        remotes = sorted(n.name for n in view.nodes
                         if n.kind == crm_mon.REMOTE and n.online
                         and not n.unclean)
        return bool(remotes) and remotes[0] == me.name

    def _publish(self, node: str, now: float) -> bool:
        result = self.runner(heartbeat.publish_argv(node, now), root=True)
        if not result.ok:
            if not self._publish_failed:
                LOG.warning("Cannot publish this monitor's heartbeat "
                            "(rc %d): %s", result.rc, result.stderr.strip())
            self._publish_failed = True
            return False
        self._publish_failed = False
        self._published_as = node
        return True

    def withdraw_heartbeat(self) -> None:
        """Remove our heartbeat so another monitor takes over at once."""
        node, self._published_as = self._published_as, None
        if node is not None:
            result = self.runner(heartbeat.withdraw_argv(node), root=True)
            if not result.ok:
                LOG.warning("Cannot remove this monitor's heartbeat: %s",
                            result.stderr.strip())

    def monitor_hosts(self) -> None:
        try:
            super().monitor_hosts()
        finally:
            self.withdraw_heartbeat()

    def _takeover_window(self) -> float:
        # A report left to a monitor that died is kept at least until that
        # monitor's heartbeat went stale and the next cycle ran.
        host = self.conf.host
        return max(host.fencing_timeout + host.monitoring_interval * (
            host.monitoring_samples + 1),
            self.heartbeats.stale_after + host.monitoring_interval)

    def _dispatch(self, notes: list[dict], leader: bool, now: float) -> None:
        window = self._takeover_window()
        for host, (_note, since) in list(self.delegated.items()):
            if now - since > window:
                del self.delegated[host]
        if not leader:
            for note in notes:
                LOG.info("Leaving report of %s to the reporting node",
                         note["hostname"])
                self.delegated[note["hostname"]] = (note, now)
            return
        for host, (note, _since) in sorted(self.delegated.items()):
            LOG.info("Taking over the report of %s", host)
            self.report(note)
        self.delegated.clear()
        for note in notes:
            self.report(note)
