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
"""Host failure recovery: the three tasks, named here for their entry points.

disable (disable.py: safety gates, proof the host is off, the compute
service forced down or seen down, then disabled) → prepare (prepare.py:
HA-enabled instances first, vmove records re-used from an interrupted
run) → evacuate (evacuate.py with instance_evacuation.py: concurrent
evacuations confirmed through one batched status poll, on a reserved
host from reserved_hosts.py in the reserved_host workflow).
"""

from masakari.engine.drivers.taskflow.disable import (
    DisableComputeServiceTask,
)
from masakari.engine.drivers.taskflow.evacuate import EvacuateInstancesTask
from masakari.engine.drivers.taskflow.prepare import (
    PrepareHAEnabledInstancesTask,
)

__all__ = [
    "DisableComputeServiceTask",
    "EvacuateInstancesTask",
    "PrepareHAEnabledInstancesTask",
]
