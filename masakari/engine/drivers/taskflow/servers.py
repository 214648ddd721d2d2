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

"""Fields of Nova's server records that the recovery tasks read."""

from __future__ import annotations

from typing import Any

VM_STATE = "OS-EXT-STS:vm_state"
TASK_STATE = "OS-EXT-STS:task_state"
POWER_STATE = "OS-EXT-STS:power_state"
HOST = "OS-EXT-SRV-ATTR:host"
NODE = "OS-EXT-SRV-ATTR:hypervisor_hostname"
SHUTDOWN = 4
TRUE_STRINGS = frozenset({"1", "t", "true", "on", "y", "yes"})
# The fields of a listed server the evacuation reads; a listing handed
# from one task to the next keeps only these.
LISTED_FIELDS = ("id", "name", "metadata", "locked", VM_STATE, TASK_STATE,
                 POWER_STATE, HOST, NODE)


def is_true(value: Any) -> bool:
    return (
        str(value if value is not None else "").strip().lower() in TRUE_STRINGS
    )


def is_ha_enabled(server: dict, key: str) -> bool:
    return is_true((server.get("metadata") or {}).get(key))
