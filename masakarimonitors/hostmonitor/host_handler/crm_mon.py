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

"""Cluster status from ``crm_mon`` XML.

Both the current format (``crm_mon --output-as=xml``, root
``<pacemaker-result>``) and the legacy one (``crm_mon -X``, root
``<crm_mon>``) carry the same ``summary`` and ``nodes`` elements, so one
parser reads both. Full members and pacemaker-remote nodes are listed
together in ``nodes``; ``node_attributes`` holds the attributes of online
nodes.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence
from xml.etree import ElementTree

from masakarimonitors.hostmonitor import commands

# -A: node attributes too (the monitors' heartbeats).
CURRENT_CMD = ("crm_mon", "--output-as=xml", "-1", "-A")
LEGACY_CMD = ("crm_mon", "-X", "-1", "-A")

MEMBER = "member"
REMOTE = "remote"
WATCHED_KINDS = frozenset({MEMBER, REMOTE})


class StatusError(Exception):
    """crm_mon gave no usable cluster status."""


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "yes", "on", "1")


@dataclasses.dataclass(frozen=True)
class Node:
    name: str
    kind: str
    online: bool = False
    unclean: bool = False
    standby: bool = False
    maintenance: bool = False
    shutdown: bool = False
    expected_up: bool = False
    is_dc: bool = False


# <node> attribute -> (Node field, converter)
NODE_ATTRIBUTES = {
    "name": ("name", str),
    "type": ("kind", str),
    "online": ("online", _flag),
    "unclean": ("unclean", _flag),
    "standby": ("standby", _flag),
    "maintenance": ("maintenance", _flag),
    "shutdown": ("shutdown", _flag),
    "expected_up": ("expected_up", _flag),
    "is_dc": ("is_dc", _flag),
}


@dataclasses.dataclass(frozen=True)
class ClusterView:
    quorum: bool
    dc: str | None
    maintenance_mode: bool
    nodes: tuple[Node, ...]
    # node name -> {attribute name: value}
    attributes: dict[str, dict[str, str]] = dataclasses.field(
        default_factory=dict)

    def node(self, name: str) -> Node | None:
        return next((n for n in self.nodes if n.name == name), None)


def _parse_node(elem: ElementTree.Element) -> Node | None:
    values = {}
    for attr, (field, convert) in NODE_ATTRIBUTES.items():
        raw = elem.get(attr)
        if raw is not None:
            values[field] = convert(raw)
    if not values.get("name"):
        return None
    values.setdefault("kind", MEMBER)
    return Node(**values)


def _parse_attributes(root: ElementTree.Element) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    for node in root.findall("node_attributes/node"):
        name = node.get("name")
        if name:
            result[name] = {a.get("name"): a.get("value", "")
                            for a in node.findall("attribute")
                            if a.get("name")}
    return result


def parse(text: str) -> ClusterView:
    """Parse crm_mon XML; raises StatusError when it holds no status."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise StatusError(f"crm_mon output is not XML: {exc}") from exc
    status = root.find("status")
    if status is not None and status.get("code", "0") != "0":
        raise StatusError("crm_mon failed: %s (code %s)" % (
            status.get("message", ""), status.get("code")))
    summary = root.find("summary")
    nodes_elem = root.find("nodes")
    if summary is None or nodes_elem is None:
        raise StatusError("crm_mon output lacks summary or nodes")
    dc_elem = summary.find("current_dc")
    dc_present = dc_elem is not None and _flag(dc_elem.get("present"))
    quorum = dc_present and _flag(dc_elem.get("with_quorum"))
    options = summary.find("cluster_options")
    maintenance_mode = options is not None and _flag(
        options.get("maintenance-mode"))
    parsed = (_parse_node(e) for e in nodes_elem.findall("node"))
    nodes = tuple(n for n in parsed if n is not None)
    return ClusterView(quorum=quorum,
                       dc=dc_elem.get("name") if dc_present else None,
                       maintenance_mode=maintenance_mode, nodes=nodes,
                       attributes=_parse_attributes(root))


USAGE_ERROR = 64  # CRM_EX_USAGE / EX_USAGE
_UNKNOWN_OPTION = ("unknown option", "unrecognized option",
                   "invalid option")


def _usage_error(result: commands.Result) -> bool:
    err = result.stderr.lower()
    return not result.ok and "<" not in result.stdout and (
        result.rc == USAGE_ERROR or any(m in err for m in _UNKNOWN_OPTION))


class CrmMon:
    """Reads the cluster status, falling back to the legacy switch once
    when the current one is not understood (old Pacemaker)."""

    def __init__(self, runner: commands.Runner = commands.run,
                 env: dict | None = None) -> None:
        self._runner = runner
        self._env = env
        self._cmd: Sequence[str] = CURRENT_CMD

    def read(self) -> ClusterView:
        result = self._runner(self._cmd, root=True, env=self._env)
        if self._cmd == CURRENT_CMD and _usage_error(result):
            legacy = self._runner(LEGACY_CMD, root=True, env=self._env)
            if legacy.ok:
                self._cmd = LEGACY_CMD
                result = legacy
        if not result.stdout.strip():
            raise StatusError("crm_mon failed (rc %d): %s" % (
                result.rc, result.stderr.strip()))
        return parse(result.stdout)
