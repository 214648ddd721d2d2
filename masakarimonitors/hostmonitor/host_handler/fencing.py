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

"""Evidence that a failed host is really off.

Two sources, tried in this order: Pacemaker's own fencing history
(``stonith_admin --history``) and the host's BMC (``ipmitool power
status``). The BMC password never appears on a command line: it is passed
through the IPMI_PASSWORD environment variable (``-E``) or read by
ipmitool from a file (``-f``).
"""

from __future__ import annotations

import calendar
import dataclasses
import logging
import re
import time
from xml.etree import ElementTree

from masakarimonitors.hostmonitor import commands

LOG = logging.getLogger(__name__)

HISTORY_CMD = ("stonith_admin", "--history", "*", "--output-as=xml")
CIB_RESOURCES_CMD = ("cibadmin", "--query", "--scope", "resources")

# Fencing actions after which the target is known to have been off.
OFF_ACTIONS = frozenset({"off", "reboot"})
SUCCESS = "success"

_POWER_OFF = re.compile(r"^\s*Chassis Power is off\s*$",
                        re.MULTILINE | re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class FenceEvent:
    target: str
    action: str
    status: str
    completed: float | None  # epoch seconds


def _parse_time(value: str | None) -> float | None:
    if not value:
        return None
    text = value.strip().rstrip("Z").strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return float(calendar.timegm(time.strptime(text, fmt)))
        except ValueError:
            continue
    return None


def parse_history(text: str) -> list[FenceEvent]:
    """Parse ``stonith_admin --history --output-as=xml`` output."""
    root = ElementTree.fromstring(text.strip())
    return [FenceEvent(target=e.get("target", ""),
                       action=e.get("action", ""),
                       status=e.get("status", ""),
                       completed=_parse_time(e.get("completed")))
            for e in root.iter("fence_event")]


def fenced_since(events: list[FenceEvent], host: str, since: float) -> bool:
    """True when ``host`` was successfully fenced at or after ``since``."""
    return any(e.target == host and e.status == SUCCESS
               and e.action in OFF_ACTIONS and e.completed is not None
               and e.completed >= since for e in events)


@dataclasses.dataclass(frozen=True)
class IpmiTarget:
    address: str
    user: str
    password: str
    interface: str


# Fence agent type -> our field -> parameter names tried in order.
IPMI_AGENTS = {
    "external/ipmi": {
        "host": ("hostname",),
        "address": ("ipaddr",),
        "user": ("userid",),
        "password": ("passwd",),
        "interface": ("interface",),
    },
    "fence_ipmilan": {
        "host": ("pcmk_host_list", "plug", "port"),
        "address": ("ip", "ipaddr"),
        "user": ("username", "login"),
        "password": ("password", "passwd"),
        "lanplus": ("lanplus",),
    },
}
DEFAULT_INTERFACE = "lanplus"


def _first(params: dict, names: tuple) -> str | None:
    return next((params[n] for n in names if params.get(n)), None)


def _hosts(value: str | None) -> set[str]:
    return set(re.split(r"[\s,;]+", value or "")) - {""}


def find_ipmi_target(cib_xml: str, host: str) -> IpmiTarget | None:
    """Find the IPMI parameters of ``host`` among the fencing resources
    anywhere in the CIB (top level, groups, clones)."""
    root = ElementTree.fromstring(cib_xml)
    for prim in root.iter("primitive"):
        table = IPMI_AGENTS.get(prim.get("type", ""))
        if table is None:
            continue
        params = {nv.get("name"): nv.get("value")
                  for attrs in prim.findall("instance_attributes")
                  for nv in attrs.findall("nvpair")}
        if host not in _hosts(_first(params, table["host"])):
            continue
        address = _first(params, table["address"])
        user = _first(params, table["user"])
        password = _first(params, table["password"])
        if not (address and user and password):
            LOG.warning("Fencing resource %s of %s lacks IPMI parameters",
                        prim.get("id"), host)
            return None
        if "interface" in table:
            interface = (_first(params, table["interface"])
                         or DEFAULT_INTERFACE)
        else:
            lanplus = (_first(params, table["lanplus"]) or "").lower()
            interface = "lanplus" if lanplus in (
                "1", "true", "yes", "on") else "lan"
        return IpmiTarget(address, user, password, interface)
    return None


def ipmi_command(target: IpmiTarget, password_file: str | None
                 ) -> tuple[list[str], dict[str, str]]:
    """ipmitool argv and environment; the password is never in argv."""
    argv = ["ipmitool", "-I", target.interface, "-H", target.address,
            "-U", target.user]
    env: dict[str, str] = {}
    if password_file:
        argv += ["-f", password_file]
    else:
        argv.append("-E")
        env["IPMI_PASSWORD"] = target.password
    argv += ["power", "status"]
    return argv, env


def power_is_off(output: str) -> bool:
    return bool(_POWER_OFF.search(output))


class FenceOracle:
    """Per-cycle, lazily loaded fencing evidence."""

    def __init__(self, runner: commands.Runner = commands.run,
                 ipmi_timeout: float = 5, password_file: str | None = None,
                 history_reader=None) -> None:
        self._runner = runner
        self._ipmi_timeout = ipmi_timeout
        self._password_file = password_file
        self._read_history = history_reader or self._stonith_history
        self._history: list[FenceEvent] | None = None
        self._cib: str | None = None

    def new_cycle(self) -> None:
        self._history = None
        self._cib = None

    def _stonith_history(self) -> str:
        result = self._runner(HISTORY_CMD, root=True)
        if not result.ok:
            raise RuntimeError("stonith_admin --history failed (rc %d): %s"
                               % (result.rc, result.stderr.strip()))
        return result.stdout

    def fenced_since(self, host: str, since: float) -> bool:
        if self._history is None:
            try:
                self._history = parse_history(self._read_history())
            except Exception as exc:
                LOG.warning("No fencing history: %s", exc)
                self._history = []
        return fenced_since(self._history, host, since)

    def power_off(self, host: str) -> bool | None:
        """Ask the BMC; None when no IPMI parameters exist for ``host``."""
        if self._cib is None:
            result = self._runner(CIB_RESOURCES_CMD, root=True)
            self._cib = result.stdout if result.ok else ""
        try:
            target = find_ipmi_target(self._cib, host) if self._cib else None
        except ElementTree.ParseError:
            target = None
        if target is None:
            return None
        argv, env = ipmi_command(target, self._password_file)
        result = self._runner(argv, env=env, timeout=self._ipmi_timeout)
        off = result.ok and power_is_off(result.stdout)
        LOG.info("IPMI power status of %s: %s", host,
                 "off" if off else "not confirmed off (rc %d)" % result.rc)
        return off
