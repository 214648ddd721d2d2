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

"""Checks of the local cluster stack before its status is trusted."""

from __future__ import annotations

import logging
import re
from typing import Sequence
from xml.etree import ElementTree

from masakarimonitors.hostmonitor import commands

LOG = logging.getLogger(__name__)

CLUSTER = "cluster"
REMOTE = "remote"

# pacemaker_node_type -> (corosync, pacemaker, pacemaker_remote) running;
# None means "probe the systemd unit".
NODE_TYPES = {
    "autodetect": (None, None, None),
    "cluster": (True, True, False),
    "remote": (False, False, True),
}
UNITS = ("corosync", "pacemaker", "pacemaker_remote")

# Controller states in which this node's view of the cluster is settled.
STABLE_CONTROLLER_STATES = frozenset({
    "S_IDLE", "S_NOT_DC", "S_POLICY_ENGINE", "S_TRANSITION_ENGINE"})
_STATE = re.compile(r"\b(S_[A-Z_]+)\b")


def _unit_running(runner: commands.Runner, unit: str) -> bool:
    return runner(("systemctl", "is-active", "--quiet", unit), root=True,
                  timeout=10).ok


def local_stack(node_type: str, runner: commands.Runner) -> str | None:
    """CLUSTER, REMOTE, or None when no cluster stack runs here."""
    fixed = NODE_TYPES[node_type]
    corosync, pacemaker, remote = (
        _unit_running(runner, unit) if value is None else value
        for unit, value in zip(UNITS, fixed))
    if corosync and pacemaker:
        return CLUSTER
    if remote:
        return REMOTE
    return None


class HeartbeatConfigError(ValueError):
    pass


def heartbeat_ok(interfaces: Sequence[str] | None,
                 ports: Sequence[int] | None, timeout: float,
                 runner: commands.Runner) -> bool:
    """True when a corosync packet from a peer arrives on any configured
    interface. Only incoming packets count: our own outgoing traffic
    proves nothing about peers. Unconfigured: True (check disabled)."""
    interfaces = list(interfaces or [])
    ports = list(ports or [])
    if not interfaces and not ports:
        return True
    if len(interfaces) != len(ports):
        raise HeartbeatConfigError(
            "corosync_multicast_interfaces and corosync_multicast_ports "
            "differ in length")
    for iface, port in zip(interfaces, ports):
        result = runner(("tcpdump", "-n", "-c", "1", "-p", "-Q", "in",
                         "-i", iface, "port", str(port)),
                        root=True, timeout=timeout)
        if result.ok:
            return True
    return False


def controller_state(output: str) -> str | None:
    text = output.strip()
    if text.startswith("<"):
        try:
            elem = ElementTree.fromstring(text).find("crmd")
        except ElementTree.ParseError:
            elem = None
        return elem.get("state") if elem is not None else None
    match = _STATE.search(text)
    return match.group(1) if match else None


def controller_stable(node_name: str, runner: commands.Runner) -> bool:
    result = runner(("crmadmin", "-S", node_name, "--output-as=xml"),
                    root=True, timeout=30)
    state = controller_state(result.stdout) if result.ok else None
    if state not in STABLE_CONTROLLER_STATES:
        LOG.info("Local controller not settled (state %s, rc %d)",
                 state, result.rc)
        return False
    return True
