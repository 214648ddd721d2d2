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
import datetime
import logging
import re
import time
from typing import Callable
from xml.etree import ElementTree

from masakarimonitors.hostmonitor import commands
from masakarimonitors.hostmonitor import events as events_mod

LOG = logging.getLogger(__name__)

# Without --verbose stonith_admin lists a single event of the whole
# history, so the fencing of any other node would go unseen.
HISTORY_CMD = ("stonith_admin", "--history", "*", "--verbose",
               "--output-as=xml")
CIB_RESOURCES_CMD = ("cibadmin", "--query", "--scope", "resources")

# Element names of one history entry: Pacemaker 2.x and 3.x write
# fence_event; the fencing-named spellings are accepted as well.
EVENT_ELEMENTS = frozenset({"fence_event", "fencing_event", "fencing-event"})
# Fencing actions after which the target is known to have been off.
OFF_ACTIONS = frozenset({"off", "reboot", "poweroff"})
# Status of a completed, successful action.
SUCCESS_STATUSES = frozenset({"success", "successful"})

_POWER_OFF = re.compile(r"^\s*Chassis Power is off\s*$",
                        re.MULTILINE | re.IGNORECASE)

# Date and time of day (space or T between them), optional fraction of a
# second of any length, optional zone: Z, +HH:MM, +HHMM or +HH.
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?"
    r"\s*(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class FenceEvent:
    target: str
    action: str
    status: str
    completed: float | None  # epoch seconds


def _parse_time(value: str | None) -> float | None:
    """Epoch seconds of a fencing history time, or None.

    Pacemaker writes the date, the time of day and the offset of the time
    zone of the process that formats it (stonith_admin, not the fencer),
    e.g. ``2026-12-07 17:02:03Z`` or ``2026-12-07 18:02:03.123456 +01:00``
    (microseconds from Pacemaker 3). The zone offset is applied and
    fractional seconds are kept; a time without a zone is taken as UTC.
    """
    if not value:
        return None
    match = _TIMESTAMP.match(value.strip())
    if match is None:
        LOG.debug("Unrecognised fencing history time %r", value)
        return None
    (year, month, day, hour, minute, second, fraction, _utc, sign,
     off_hours, off_minutes) = match.groups()
    fields = [int(v) for v in (year, month, day, hour, minute, second)]
    offset = 0
    if sign:
        off_h, off_m = int(off_hours), int(off_minutes or 0)
        if off_h > 23 or off_m > 59:
            LOG.debug("Bad zone offset in fencing history time %r", value)
            return None
        offset = (off_h * 3600 + off_m * 60) * (-1 if sign == "-" else 1)
    try:
        # Validates the fields; a leap second (:60) counts as :59 + 1.
        datetime.datetime(*fields[:5], min(fields[5], 59))
    except ValueError:
        LOG.debug("Invalid fencing history time %r", value)
        return None
    seconds = calendar.timegm(tuple(fields) + (0, 0, 0)) - offset
    return seconds + (float("0." + fraction) if fraction else 0.0)


def parse_history(text: str) -> list[FenceEvent]:
    """Parse ``stonith_admin --history --output-as=xml`` output."""
    root = ElementTree.fromstring(text.strip())
    return [FenceEvent(target=e.get("target", ""),
                       action=e.get("action", "").lower(),
                       status=e.get("status", "").lower(),
                       completed=_parse_time(e.get("completed")))
            for e in root.iter() if e.tag in EVENT_ELEMENTS]


def fenced_since(events: list[FenceEvent], host: str, since: float
                 ) -> FenceEvent | None:
    """The latest successful power-off fencing of ``host`` completed at or
    after ``since``, or None."""
    matching = [e for e in events
                if e.target == host and e.status in SUCCESS_STATUSES
                and e.action in OFF_ACTIONS and e.completed is not None
                and e.completed >= since]
    return max(matching, key=lambda e: e.completed, default=None)


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
    """Per-cycle, lazily loaded fencing evidence.

    ``clock`` (epoch seconds) dates an IPMI confirmation.
    """

    def __init__(self, runner: commands.Runner = commands.run,
                 ipmi_timeout: float = 5, password_file: str | None = None,
                 history_reader: Callable[[], str] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._runner = runner
        self._ipmi_timeout = ipmi_timeout
        self._password_file = password_file
        self._read_history = history_reader or self._stonith_history
        self._clock = clock
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

    def fenced_since(self, host: str, since: float
                     ) -> events_mod.Evidence | None:
        """Evidence from Pacemaker's history that ``host`` was fenced off
        at or after ``since`` (epoch seconds), or None."""
        if self._history is None:
            try:
                self._history = parse_history(self._read_history())
            except Exception as exc:
                LOG.warning("No fencing history: %s", exc)
                self._history = []
        event = fenced_since(self._history, host, since)
        if event is None or event.completed is None:
            return None
        return events_mod.Evidence(events_mod.SOURCE_HISTORY, event.completed)

    def _ipmi_target(self, host: str) -> IpmiTarget | None:
        if self._cib is None:
            result = self._runner(CIB_RESOURCES_CMD, root=True)
            self._cib = result.stdout if result.ok else ""
        try:
            return find_ipmi_target(self._cib, host) if self._cib else None
        except ElementTree.ParseError:
            return None

    def bmc_known(self, host: str) -> bool:
        """Whether the CIB holds IPMI parameters for ``host``."""
        return self._ipmi_target(host) is not None

    def power_off(self, host: str) -> events_mod.Evidence | None:
        """Ask the BMC; evidence when it reports the power off, else None
        (also when no IPMI parameters exist for ``host``)."""
        target = self._ipmi_target(host)
        if target is None:
            return None
        argv, env = ipmi_command(target, self._password_file)
        result = self._runner(argv, env=env, timeout=self._ipmi_timeout)
        off = result.ok and power_is_off(result.stdout)
        LOG.info("IPMI power status of %s: %s", host,
                 "off" if off else "not confirmed off (rc %d)" % result.rc)
        if not off:
            return None
        return events_mod.Evidence(events_mod.SOURCE_IPMI, self._clock())
