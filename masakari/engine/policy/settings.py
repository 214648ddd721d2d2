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

"""The recovery policy options as one plain value."""

from __future__ import annotations

import dataclasses
from typing import Any

PRIORITY_KEY = "masakari:restart_priority"
PRIORITY_MIN, PRIORITY_MAX, PRIORITY_DEFAULT = 1, 1000, 500


@dataclasses.dataclass(frozen=True)
class Settings:
    ha_key: str = "HA_Enabled"
    evacuate_all: bool = True
    ignore_error: bool = False
    evacuable_tag: str | None = None
    skip_unevacuable: bool = False
    tiers: bool = False
    tier_timeout: float = 600.0
    capacity: bool = False
    cpu_ratio: float = 4.0
    ram_ratio: float = 1.0
    disk_ratio: float = 1.0
    max_recoveries: int = 0
    recovery_window: int = 3600
    flap_threshold: int = 0
    stabilisation_window: int = 1800

    @classmethod
    def from_conf(cls, conf: Any) -> Settings:
        hf, lim = conf.host_failure, conf.recovery_limits
        return cls(
            ha_key=hf.ha_enabled_instance_metadata_key,
            evacuate_all=hf.evacuate_all_instances,
            ignore_error=hf.ignore_instances_in_error_state,
            evacuable_tag=hf.evacuable_tag or None,
            skip_unevacuable=hf.skip_unevacuable_instances,
            tiers=hf.restart_priority_tiers,
            tier_timeout=float(hf.restart_tier_timeout),
            capacity=hf.capacity_aware_targets,
            cpu_ratio=hf.cpu_allocation_ratio,
            ram_ratio=hf.ram_allocation_ratio,
            disk_ratio=hf.disk_allocation_ratio,
            max_recoveries=lim.max_recoveries_per_instance,
            recovery_window=lim.recovery_window,
            flap_threshold=lim.flap_threshold,
            stabilisation_window=lim.stabilisation_window,
        )

    @property
    def active(self) -> bool:
        """Whether any policy departs from upstream's behaviour."""
        return bool(
            self.evacuable_tag
            or self.skip_unevacuable
            or self.tiers
            or self.capacity
            or self.max_recoveries
        )

    @property
    def needs_images(self) -> bool:
        return bool(self.evacuable_tag or self.skip_unevacuable)
