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

"""The table of fence drivers: configuration name -> driver class.

Each class has ``from_device(device, where, ctx)``, which validates a
device dict (raising FencingConfigError) and builds the driver from it.
"""

from __future__ import annotations

from typing import Any

from masakari.engine.fencing import fence_agent
from masakari.engine.fencing import ipmi
from masakari.engine.fencing import kdump
from masakari.engine.fencing import maas
from masakari.engine.fencing import redfish

DRIVERS: dict[str, Any] = {
    "fence_agent": fence_agent.FenceAgentDriver,
    "ipmi": ipmi.IpmiDriver,
    "kdump": kdump.KdumpDriver,
    "maas": maas.MaasDriver,
    "redfish": redfish.RedfishDriver,
}
