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

"""A host failure's recovery plan, computed from facts only."""

from __future__ import annotations

import dataclasses

from masakari.engine.policy import capacity
from masakari.engine.policy import selection
from masakari.engine.policy import settings as settings_mod


@dataclasses.dataclass
class Facts:
    """What a plan is computed from (gathered by facts.gather).

    ``targets``: hosts an instance may be moved to (capacity-aware
    planning only), ``excluded``: other hosts of the segment and why they
    are no target; ``member_hosts``: where the other members of the
    failed host's server groups run; ``recoveries``: recent recoveries per
    instance.
    """

    host_name: str
    servers: list[dict]
    images: dict[str, dict] = dataclasses.field(default_factory=dict)
    aggregates: list[dict] = dataclasses.field(default_factory=list)
    hypervisors: list[dict] = dataclasses.field(default_factory=list)
    groups: list[dict] = dataclasses.field(default_factory=list)
    member_hosts: dict[str, str] = dataclasses.field(default_factory=dict)
    targets: list[str] = dataclasses.field(default_factory=list)
    excluded: dict[str, str] = dataclasses.field(default_factory=dict)
    recoveries: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Plan:
    host_name: str
    entries: list[selection.Entry]
    excluded: dict[str, str]
    capacity: bool

    @property
    def evacuated(self) -> list[selection.Entry]:
        return [e for e in self.entries if e.evacuate]

    def tiers(self) -> list[list[str]]:
        """Server ids of the evacuated instances, tier by tier."""
        out: dict[int, list[str]] = {}
        for entry in self.evacuated:
            out.setdefault(entry.tier, []).append(entry.server_id)
        return [out[t] for t in sorted(out)]

    def to_dict(self) -> dict:
        return {
            "host": self.host_name,
            "capacity_checked": self.capacity,
            "instances": [e.to_dict() for e in self.entries],
            "tiers": self.tiers(),
            "not_fitting": [e.server_id for e in self.entries
                            if e.reason_kind == selection.NO_FIT],
            "excluded_targets": [
                {"host": h, "reason": r}
                for h, r in sorted(self.excluded.items())],
        }


def build(facts: Facts, cfg: settings_mod.Settings) -> Plan:
    entries = selection.select(
        facts.host_name, facts.servers, cfg, facts.images,
        facts.aggregates, facts.recoveries)
    if cfg.capacity:
        rooms = capacity.rooms(facts.hypervisors, facts.targets, cfg)
        capacity.place(entries, rooms, facts.groups, facts.member_hosts,
                       facts.host_name)
    return Plan(facts.host_name, entries, dict(facts.excluded), cfg.capacity)
