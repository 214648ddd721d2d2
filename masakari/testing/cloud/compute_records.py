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

"""Nova's records: power states, flavors, services, hosts, servers, etc."""

from __future__ import annotations

import dataclasses
import uuid

# nova.compute.power_state
NOSTATE, RUNNING, PAUSED, SHUTDOWN, CRASHED, SUSPENDED = 0, 1, 3, 4, 6, 7

VM_STATES = ('active', 'building', 'paused', 'suspended', 'stopped',
             'rescued', 'resized', 'soft-delete', 'deleted', 'error',
             'shelved', 'shelved_offloaded')

DEFAULT_POWER = {'active': RUNNING, 'building': NOSTATE, 'paused': PAUSED,
                 'suspended': SUSPENDED, 'stopped': SHUTDOWN,
                 'rescued': RUNNING, 'resized': RUNNING,
                 'soft-delete': SHUTDOWN, 'error': NOSTATE,
                 'shelved': SHUTDOWN, 'shelved_offloaded': SHUTDOWN}

FLAVORS = {
    'm1.tiny': {'vcpus': 1, 'ram': 512, 'disk': 1},
    'm1.small': {'vcpus': 1, 'ram': 2048, 'disk': 20},
    'm1.medium': {'vcpus': 2, 'ram': 4096, 'disk': 40},
    'm1.large': {'vcpus': 4, 'ram': 8192, 'disk': 80},
    'm1.xlarge': {'vcpus': 8, 'ram': 16384, 'disk': 160},
}


@dataclasses.dataclass
class Service:
    """A nova service row; compute services belong to a :class:`Host`."""

    binary: str
    host: str
    zone: str
    id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    status: str = 'enabled'
    disabled_reason: str | None = None
    forced_down: bool = False


@dataclasses.dataclass
class Host:
    name: str
    node: str
    service: Service
    vcpus: int = 32
    memory_mb: int = 131072
    local_gb: int = 2000
    cpu_allocation_ratio: float = 4.0   # nova initial_cpu_allocation_ratio
    ram_allocation_ratio: float = 1.0   # nova initial_ram_allocation_ratio
    host_ip: str = '192.0.2.1'
    hypervisor_id: str = dataclasses.field(
        default_factory=lambda: str(uuid.uuid4()))
    alive: bool = True
    alive_since: float = 0.0
    died_at: float | None = None
    servers: dict[str, Server] = dataclasses.field(default_factory=dict)
    claims: dict[str, Server] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Server:
    id: str
    name: str
    project_id: str
    user_id: str
    flavor: dict
    flavor_name: str
    host: str | None
    node: str | None
    vm_state: str
    task_state: str | None
    power_state: int
    created: float
    updated: float
    seq: int
    metadata: dict[str, str] = dataclasses.field(default_factory=dict)
    locked: bool = False
    locked_by: str | None = None       # 'admin' | 'owner'
    locked_reason: str | None = None
    launched_at: float | None = None
    fault: dict | None = None
    image_id: str = '70a599e0-31e7-49b7-b260-868f441e862b'
    availability_zone: str = 'nova'
    generation: int = 0                # bumps cancel pending steps
    dest: str | None = None            # claimed evacuation target


@dataclasses.dataclass
class Aggregate:
    id: int
    name: str
    created: float
    availability_zone: str | None = None
    hosts: list[str] = dataclasses.field(default_factory=list)
    metadata: dict[str, str] = dataclasses.field(default_factory=dict)
    uuid: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    updated: float | None = None


@dataclasses.dataclass
class Migration:
    """An evacuation record as ``GET /os-migrations`` shows it."""

    id: int
    instance_uuid: str
    source_compute: str
    source_node: str
    dest_compute: str | None
    dest_node: str | None
    status: str
    created: float
    updated: float
    project_id: str
    user_id: str
    flavor_name: str
    migration_type: str = 'evacuation'
    uuid: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
