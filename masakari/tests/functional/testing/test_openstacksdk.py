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

"""The same cloud seen through openstacksdk (version discovery included)."""

import openstack
import pytest
from openstack import exceptions as sdk_exc

from masakari.tests.functional.testing.conftest import host_down

pytestmark = pytest.mark.functional


@pytest.fixture
def conn(cloud):
    return openstack.connection.Connection(region_name=cloud.region,
                                           **cloud.credentials)


def test_discovery_and_server_fields(conn, cloud):
    vm = cloud.add_server('compute1', metadata={'HA_Enabled': 'True'})
    server = conn.compute.get_server(vm.id)
    assert server.compute_host == 'compute1'
    assert server.hypervisor_hostname == 'compute1'
    assert (server.vm_state, server.task_state) == ('active', None)
    assert server.is_locked is False
    assert server.metadata == {'HA_Enabled': 'True'}
    entry = cloud.journal.entries(kind='compute.server.show')[-1]
    assert entry.microversion == '2.96'        # negotiated from discovery


def test_list_by_host(conn, cloud):
    a = cloud.add_server('compute1')
    cloud.add_server('compute2')
    found = list(conn.compute.servers(all_projects=True,
                                      compute_host='compute1'))
    assert [s.id for s in found] == [a.id]


def test_services_aggregates_hypervisors(conn, cloud):
    cloud.add_aggregate('rack', ['compute1'])
    computes = [s for s in conn.compute.services()
                if s.binary == 'nova-compute']
    assert {(s.host, s.state, s.status) for s in computes} == {
        ('compute1', 'up', 'enabled'), ('compute2', 'up', 'enabled'),
        ('compute3', 'up', 'enabled')}
    agg = list(conn.compute.aggregates())[0]
    conn.compute.add_host_to_aggregate(agg, 'compute2')
    assert cloud.get_aggregate('rack').hosts == ['compute1', 'compute2']
    names = sorted(h.name for h in conn.compute.hypervisors(details=True))
    assert names == ['compute1', 'compute2', 'compute3']


def test_force_down_and_evacuate(conn, cloud, clock):
    vm = cloud.add_server('compute1', vm_state='stopped')
    cloud.kill_host('compute1')
    svc = [s for s in conn.compute.services() if s.host == 'compute1'][0]
    conn.compute.update_service_forced_down(svc, 'compute1', 'nova-compute',
                                            True)
    conn.compute.evacuate_server(vm.id, host='compute2')
    clock.advance(30)
    server = conn.compute.get_server(vm.id)
    assert (server.compute_host, server.vm_state) == ('compute2', 'stopped')


def test_errors_map_to_sdk_exceptions(conn, cloud, clock):
    with pytest.raises(sdk_exc.NotFoundException):
        conn.compute.get_server('00000000-0000-0000-0000-000000000000')
    vm = cloud.add_server('compute1')
    with pytest.raises(sdk_exc.BadRequestException):
        conn.compute.evacuate_server(vm.id)
    host_down(cloud, clock, 'compute1')
    cloud.add_server('compute1', vm_state='paused')
    paused = cloud.servers_on('compute1')[-1]
    with pytest.raises(sdk_exc.ConflictException):
        conn.compute.evacuate_server(paused.id)
