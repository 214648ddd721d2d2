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

"""Which instances of a failed host are evacuated, and in which order.

An instance is HA-enabled by its server metadata (upstream's rule) or,
with an evacuable tag, by its flavor's extra specs or its image's
properties (either one is enough). Without evacuate_all only HA-enabled
instances are evacuated. The order is upstream's (HA-enabled first, then
the others, each in Nova's listing order); with restart priority tiers
the priority comes first, highest first.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from masakari.engine.policy import settings as settings_mod

VM_STATE = "OS-EXT-STS:vm_state"
TRUE_STRINGS = frozenset({"1", "t", "true", "on", "y", "yes"})

# Why an instance is not evacuated. Kinds in RECORDED get an 'ignored'
# vmove saying why (they are new policies); the others are upstream's
# silent exclusions.
ERROR_STATE = "error_state"
NOT_HA = "not_ha_enabled"
HOST_NOT_EVACUABLE = "host_not_evacuable"
UNEVACUABLE = "unevacuable"
LIMIT = "recovery_limit"
NO_FIT = "no_capacity"
RECORDED = frozenset({UNEVACUABLE, LIMIT})

# (where, key) of what Nova refuses to evacuate, and why.
UNEVACUABLE_MARKS = (
    ("flavor", "hw:tpm_version", "Nova cannot evacuate a vTPM instance"),
    ("image", "hw_tpm_version", "Nova cannot evacuate a vTPM instance"),
)


def is_true(value: Any) -> bool:
    return str(value if value is not None else "").strip().lower() in (
        TRUE_STRINGS
    )


@dataclasses.dataclass
class Entry:
    """One instance of the failed host and what happens to it."""

    server_id: str
    name: str
    priority: int
    ha_enabled: bool
    flavor: dict
    evacuate: bool = True
    reason_kind: str | None = None
    reason: str | None = None
    tier: int = 0
    target: str | None = None

    def skip(self, kind: str, reason: str) -> None:
        self.evacuate, self.reason_kind, self.reason = False, kind, reason

    def to_dict(self) -> dict:
        return {
            "instance_uuid": self.server_id,
            "instance_name": self.name,
            "priority": self.priority,
            "ha_enabled": self.ha_enabled,
            "tier": self.tier,
            "action": "evacuate" if self.evacuate else "skip",
            "target_host": self.target,
            "reason": self.reason_kind,
            "message": self.reason,
        }


def priority_of(server: dict) -> int:
    """The server's restart priority (1..1000; anything else: 500)."""
    raw = (server.get("metadata") or {}).get(settings_mod.PRIORITY_KEY)
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return settings_mod.PRIORITY_DEFAULT
    if settings_mod.PRIORITY_MIN <= value <= settings_mod.PRIORITY_MAX:
        return value
    return settings_mod.PRIORITY_DEFAULT


def image_id_of(server: dict) -> str | None:
    image = server.get("image")
    if isinstance(image, dict):
        return image.get("id") or None
    return None


def _marks(server: dict, images: dict[str, dict]) -> dict[str, dict]:
    flavor = server.get("flavor") or {}
    return {
        "flavor": dict(flavor.get("extra_specs") or {}),
        "image": dict(images.get(image_id_of(server) or "") or {}),
    }


def ha_enabled(server: dict, cfg: settings_mod.Settings,
               images: dict[str, dict]) -> bool:
    if is_true((server.get("metadata") or {}).get(cfg.ha_key)):
        return True
    if not cfg.evacuable_tag:
        return False
    marks = _marks(server, images)
    return any(is_true(m.get(cfg.evacuable_tag)) for m in marks.values())


def unevacuable_reason(server: dict, images: dict[str, dict]) -> str | None:
    marks = _marks(server, images)
    for where, key, reason in UNEVACUABLE_MARKS:
        if marks[where].get(key):
            return f"{reason} ({where} {key}={marks[where][key]})"
    return None


def evacuable_hosts(aggregates: list[dict], tag: str | None
                    ) -> set[str] | None:
    """Hosts of the aggregates tagged evacuable; None: every host counts."""
    if not tag:
        return None
    tagged = [a for a in aggregates
              if is_true((a.get("metadata") or {}).get(tag))]
    if not tagged:
        return None
    return {h for a in tagged for h in a.get("hosts") or []}


def select(
    host_name: str,
    servers: list[dict],
    cfg: settings_mod.Settings,
    images: dict[str, dict],
    aggregates: list[dict],
    recoveries: dict[str, int],
) -> list[Entry]:
    """Every server of the failed host, in evacuation order.

    ``recoveries``: recoveries of each instance within the recovery
    window (only read with a limit set).
    """
    allowed_hosts = evacuable_hosts(aggregates, cfg.evacuable_tag)
    ha, other = [], []
    for server in servers:
        entry = Entry(
            server_id=server["id"],
            name=server.get("name") or "",
            priority=priority_of(server),
            ha_enabled=ha_enabled(server, cfg, images),
            flavor=dict(server.get("flavor") or {}),
        )
        (ha if entry.ha_enabled else other).append(entry)
        if cfg.ignore_error and server.get(VM_STATE) == "error":
            entry.skip(ERROR_STATE, "instance is in 'error' state")
        elif not entry.ha_enabled and not cfg.evacuate_all:
            entry.skip(NOT_HA, "instance is not HA-enabled")
        elif allowed_hosts is not None and host_name not in allowed_hosts:
            entry.skip(HOST_NOT_EVACUABLE,
                       f"host {host_name} is in no aggregate tagged "
                       f"{cfg.evacuable_tag}")
        elif cfg.skip_unevacuable and unevacuable_reason(server, images):
            entry.skip(UNEVACUABLE, unevacuable_reason(server, images) or "")
        elif (cfg.max_recoveries
              and recoveries.get(entry.server_id, 0) >= cfg.max_recoveries):
            entry.skip(LIMIT,
                       f"recovered {recoveries[entry.server_id]} times in "
                       f"the last {cfg.recovery_window} seconds (limit "
                       f"{cfg.max_recoveries})")
    ordered = ha + other
    if cfg.tiers:
        # sorted() is stable: HA-enabled first within one priority.
        ordered = sorted(ordered, key=lambda e: -e.priority)
        priorities = sorted({e.priority for e in ordered}, reverse=True)
        for entry in ordered:
            entry.tier = priorities.index(entry.priority)
    return ordered
