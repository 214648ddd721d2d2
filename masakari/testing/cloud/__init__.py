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

"""An in-process cloud (Keystone v3 + Nova) for tests, benchmarks, demos.

Real clients (keystoneauth1, python-novaclient, openstacksdk) talk to it
unchanged over HTTP on 127.0.0.1::

    from masakari.testing.cloud import CloudSimulator, ManualClock, Timings

    clock = ManualClock()
    with CloudSimulator(clock=clock, timings=Timings(rebuild=30)) as cloud:
        cloud.add_hosts(3)                      # compute-0001 .. 0003
        vm = cloud.add_server('compute-0001',
                              metadata={'HA_Enabled': 'True'})
        cloud.kill_host('compute-0001')         # heartbeats stop
        clock.advance(71)                       # > service_down_time
        nova = cloud.nova_client('2.53')        # or use cloud.credentials
        nova.servers.evacuate(vm.id)
        clock.advance(30)                       # rebuild time
        assert cloud.get_server(vm.id).host != 'compute-0001'
        calls = cloud.journal.entries(kind='compute.server.action')

Credentials: ``cloud.credentials`` (admin, keystoneauth ``password``
options: auth_url, username, password, project_name, user_domain_name,
project_domain_name), ``cloud.demo_credentials`` (non-admin project member).
The domain is named ``Default`` and names are case-sensitive, as with
Keystone on PostgreSQL (``case_sensitive_names=False`` for MySQL-like).
The catalog has ``compute``/``nova`` and ``identity``/``keystone`` with
public, internal and admin interfaces in ``RegionOne``;
``cloud.add_endpoint(type, name, url)`` publishes more (e.g. instance-ha).

Time: ``ScaledClock(scale)`` (default, ``CloudSimulator(scale=100)`` makes
a 30 s rebuild take 0.3 s) or ``ManualClock`` (moves on ``advance``).
Stopping the simulator closes its clock.

Faults: ``cloud.inject(kind=..., action=..., method=..., path=...,
times=1, latency=0, status=None, message=None, drop=False, hold=0)`` and
``cloud.inject_rebuild('hang'|'fail', times=1, server_id=None,
target_host=None)``. Journal: ``cloud.journal.entries(kind=, method=,
path=, service=, action=, since=)``; kinds are ``compute.server.list``,
``compute.server.show``, ``compute.server.action`` (``action`` =
evacuate, os-stop, os-start, lock, unlock, os-resetState),
``compute.service.list|update``, ``compute.aggregate.list|show|action``,
``compute.hypervisor.list|show``, ``compute.migration.list``,
``identity.token.create`` ...; ``path`` is below the service prefix
(``/v2.1/servers/<id>/action``).
"""

from masakari.testing.cloud.clock import ManualClock, ScaledClock
from masakari.testing.cloud.compute_model import Timings
from masakari.testing.cloud.faults import Fault, RebuildFault
from masakari.testing.cloud.journal import Entry, Journal
from masakari.testing.cloud.simulator import CloudSimulator

__all__ = ['CloudSimulator', 'Entry', 'Fault', 'Journal', 'ManualClock',
           'RebuildFault', 'ScaledClock', 'Timings']
