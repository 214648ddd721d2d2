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

"""Fault injection as clients see it."""

import threading

import pytest
from keystoneauth1 import exceptions as ks_exc
from novaclient import exceptions as nova_exc

from masakari.tests.functional.testing.conftest import host_down

pytestmark = pytest.mark.functional


def test_error_for_next_n_calls_of_a_kind(nova, cloud):
    vm = cloud.add_server('compute1')
    cloud.inject(kind='compute.server.show', status=500, times=2)
    for _ in range(2):
        with pytest.raises(nova_exc.ClientException) as exc:
            nova.servers.get(vm.id)
        assert exc.value.code == 500
    assert nova.servers.get(vm.id).id == vm.id
    statuses = [e.status for e in cloud.journal.entries(
        kind='compute.server.show')]
    assert statuses == [500, 500, 200]


def test_conflict_on_one_action_only(nova, cloud):
    vm = cloud.add_server('compute1')
    cloud.inject(action='lock', status=409, message='busy')
    nova.servers.stop(vm.id)                       # other action unaffected
    with pytest.raises(nova_exc.Conflict) as exc:
        nova.servers.lock(vm.id)
    assert 'busy' in str(exc.value)
    nova.servers.lock(vm.id)


def test_503_carries_retry_after(cloud):
    cloud.inject(path='/v2.1/os-services', status=503)
    resp = cloud.session().get(
        cloud.compute_url + '/os-services', raise_exc=False,
        headers={'X-OpenStack-Nova-API-Version': '2.53'})
    assert resp.status_code == 503
    assert resp.headers['Retry-After'] == '1'
    assert 'serviceUnavailable' in resp.json()


def test_latency_holds_the_answer_in_simulated_time(nova, cloud, clock):
    cloud.inject(kind='compute.service.list', latency=30)
    result = []
    worker = threading.Thread(
        target=lambda: result.append(nova.services.list()))
    worker.start()
    worker.join(0.3)
    assert worker.is_alive() and not result
    clock.advance(30)
    worker.join(10)
    assert result and len(result[0]) == 5


def test_dropped_connection_looks_like_a_timeout(nova, cloud):
    vm = cloud.add_server('compute1')
    cloud.inject(kind='compute.server.show', drop=True)
    with pytest.raises(ks_exc.ConnectionError):
        nova.servers.get(vm.id)
    assert cloud.journal.entries(kind='compute.server.show')[-1].status == 0
    assert nova.servers.get(vm.id).id == vm.id


def test_held_connection_released_on_stop(cloud):
    cloud.inject(kind='compute.service.list', drop=True, hold=10 ** 6)
    nova = cloud.nova_client()
    errors = []

    def call():
        try:
            nova.services.list()
        except Exception as exc:   # noqa: BLE001 - any failure is the point
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    worker.join(0.3)
    assert worker.is_alive()
    cloud.stop()
    worker.join(10)
    assert not worker.is_alive() and errors


def test_rebuild_fails_then_succeeds(nova, cloud, clock):
    a = cloud.add_server('compute1')
    b = cloud.add_server('compute1')
    cloud.inject_rebuild('fail', server_id=a.id)
    host_down(cloud, clock, 'compute1')
    nova.servers.evacuate(a.id)
    nova.servers.evacuate(b.id)
    clock.advance(30)
    assert nova.servers.get(a.id).status == 'ERROR'
    assert nova.servers.get(b.id).status == 'ACTIVE'


def test_rebuild_hangs(nova, cloud, clock):
    vm = cloud.add_server('compute1')
    cloud.inject_rebuild('hang')
    host_down(cloud, clock, 'compute1')
    nova.servers.evacuate(vm.id)
    clock.advance(3600)
    attrs = nova.servers.get(vm.id).to_dict()
    assert attrs['status'] == 'REBUILD'
    assert attrs['OS-EXT-STS:task_state'] == 'rebuild_spawning'
