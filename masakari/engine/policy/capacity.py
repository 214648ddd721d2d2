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

"""Targets with room: a greedy placement, highest restart priority first.

Each instance goes to the candidate host where
its flavor fits (vCPU, RAM and disk with the allocation ratios) and its
server group allows it (hard affinity and anti-affinity), preferring the
host with the most free RAM, as Nova's RAM weigher does; ties go to the
host name. What is placed counts against the host for the next ones.
"""

from __future__ import annotations

import dataclasses

from masakari.engine.policy import selection
from masakari.engine.policy import settings as settings_mod

RESOURCES = ("vcpus", "ram", "disk")
# hypervisor field -> (total, used) resource
HYPERVISOR_FIELDS = {
    "vcpus": ("vcpus", "vcpus_used"),
    "ram": ("memory_mb", "memory_mb_used"),
    "disk": ("local_gb", "local_gb_used"),
}


@dataclasses.dataclass
class HostRoom:
    name: str
    total: dict[str, float]
    used: dict[str, float]

    def free(self, resource: str) -> float:
        return self.total[resource] - self.used[resource]

    def fits(self, need: dict[str, float]) -> bool:
        return all(need[r] <= self.free(r) for r in RESOURCES)

    def take(self, need: dict[str, float]) -> None:
        for r in RESOURCES:
            self.used[r] += need[r]


def need_of(flavor: dict) -> dict[str, float]:
    """What an instance of ``flavor`` (a server's embedded flavor) takes."""
    return {
        "vcpus": float(flavor.get("vcpus") or 0),
        "ram": float(flavor.get("ram") or 0),
        "disk": float((flavor.get("disk") or 0)
                      + (flavor.get("ephemeral") or 0)),
    }


def rooms(hypervisors: list[dict], names: list[str],
          cfg: settings_mod.Settings) -> dict[str, HostRoom]:
    """The room of each host in ``names`` that has a hypervisor."""
    ratio = {"vcpus": cfg.cpu_ratio, "ram": cfg.ram_ratio,
             "disk": cfg.disk_ratio}
    found: dict[str, HostRoom] = {}
    for hyp in hypervisors:
        name = (hyp.get("service") or {}).get("host")
        if name not in names or name in found:
            continue
        total, used = {}, {}
        for resource, (t_field, u_field) in HYPERVISOR_FIELDS.items():
            total[resource] = float(hyp.get(t_field) or 0) * ratio[resource]
            used[resource] = float(hyp.get(u_field) or 0)
        found[name] = HostRoom(name, total, used)
    return found


def group_rules(groups: list[dict]) -> dict[str, tuple[str, list[str]]]:
    """server id -> (hard policy, the other members) for hard groups."""
    rules: dict[str, tuple[str, list[str]]] = {}
    for group in groups:
        policy = group.get("policy") or next(
            iter(group.get("policies") or []), None)
        if policy not in ("affinity", "anti-affinity"):
            continue
        members = list(group.get("members") or [])
        for member in members:
            rules[member] = (policy, [m for m in members if m != member])
    return rules


def place(
    entries: list[selection.Entry],
    candidates: dict[str, HostRoom],
    groups: list[dict],
    member_hosts: dict[str, str],
    failed_host: str,
) -> None:
    """Set ``target`` of each evacuated entry, or skip it (no room).

    ``member_hosts``: where the other members of the instances' server
    groups run now (members on the failed host are being moved too).
    """
    rules = group_rules(groups)
    placed: dict[str, str] = {}
    # Highest priority first (stable: plan order within a priority), so
    # what does not fit is what matters least.
    for entry in sorted(entries, key=lambda e: -e.priority):
        if not entry.evacuate:
            continue
        need = need_of(entry.flavor)
        allowed = list(candidates)
        policy, others = rules.get(entry.server_id, (None, []))
        if policy is not None:
            where = {placed.get(m) or member_hosts.get(m) for m in others}
            where.discard(None)
            where.discard(failed_host)
            if policy == "anti-affinity":
                allowed = [h for h in allowed if h not in where]
            elif where:
                allowed = [h for h in allowed if h in where]
        fitting = [candidates[h] for h in allowed if candidates[h].fits(need)]
        if not fitting:
            entry.skip(selection.NO_FIT, _why_not(
                entry, candidates, allowed, policy))
            continue
        best = min(fitting, key=lambda r: (-r.free("ram"), r.name))
        best.take(need)
        entry.target = best.name
        placed[entry.server_id] = best.name


def _why_not(entry: selection.Entry, candidates: dict[str, HostRoom],
             allowed: list[str], policy: str | None) -> str:
    if not candidates:
        return "no target host is available"
    if not allowed:
        return f"its server group's {policy} policy allows no target host"
    need = need_of(entry.flavor)
    return (
        f"no target host has room for {int(need['vcpus'])} vCPU, "
        f"{int(need['ram'])} MB RAM, {int(need['disk'])} GB disk"
    )
