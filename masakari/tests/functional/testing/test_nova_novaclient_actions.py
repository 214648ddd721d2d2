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

"""Nova fidelity through python-novaclient: server actions and migrations."""

import pytest
from novaclient import exceptions as nova_exc

from masakari.tests.functional.testing.conftest import host_down
from masakari.tests.functional.testing.nova_calls import raw, server_state

pytestmark = pytest.mark.functional


# -- server actions ------------------------------------------------------------


def test_evacuate_refused_while_source_up(nova, cloud):
    vm = cloud.add_server('compute1')
    with pytest.raises(nova_exc.BadRequest) as exc:
        nova.servers.evacuate(vm.id)
    assert 'still in use' in str(exc.value)
    assert server_state(nova, vm.id) == ('active', None, 'compute1')


def test_evacuate_target_checks(nova, cloud, clock):
    vm = cloud.add_server('compute1')
    host_down(cloud, clock, 'compute1')
    with pytest.raises(nova_exc.BadRequest) as exc:
        nova.servers.evacuate(vm.id, host='compute1')
    assert "can't be the same" in str(exc.value)
    with pytest.raises(nova_exc.NotFound) as exc:
        nova.servers.evacuate(vm.id, host='ghost')
    assert 'Compute host ghost not found' in str(exc.value)


@pytest.mark.parametrize('vm_state, version, end', [
    ('active', '2.53', 'active'),
    ('stopped', '2.53', 'stopped'),
    ('error', '2.53', 'active'),
    ('active', '2.95', 'stopped'),     # 2.95: evacuated servers stay off
])
def test_evacuate_rebuilds_on_new_host(cloud, clock, vm_state, version, end):
    nova = cloud.nova_client(version)
    vm = cloud.add_server('compute1', vm_state=vm_state)
    host_down(cloud, clock, 'compute1')
    nova.servers.evacuate(vm.id)
    assert server_state(nova, vm.id) == (vm_state, 'rebuilding', 'compute1')
    assert nova.servers.get(vm.id).status == 'REBUILD'
    clock.advance(2)
    state, task, host = server_state(nova, vm.id)
    assert (state, task) == (vm_state, 'rebuild_spawning')
    assert host in ('compute2', 'compute3')
    clock.advance(28)
    assert server_state(nova, vm.id) == (end, None, host)


def test_evacuate_to_named_host(nova, cloud, clock):
    vm = cloud.add_server('compute1')
    host_down(cloud, clock, 'compute1')
    nova.servers.evacuate(vm.id, host='compute3')
    entry = cloud.journal.entries(action='evacuate')[-1]
    assert entry.body == {'evacuate': {'host': 'compute3'}}
    clock.advance(30)
    assert server_state(nova, vm.id) == ('active', None, 'compute3')


def test_evacuate_without_capacity_ends_in_error(nova, cloud, clock):
    for name in ('compute2', 'compute3'):
        nova.services.disable(
            nova.services.list(host=name, binary='nova-compute')[0].id)
    vm = cloud.add_server('compute1')
    host_down(cloud, clock, 'compute1')
    nova.servers.evacuate(vm.id)
    clock.advance(2)
    s = nova.servers.get(vm.id)
    assert s.status == 'ERROR'
    assert 'No valid host' in s.fault['message']
    assert nova.migrations.list(instance_uuid=vm.id)[0].status == 'error'


@pytest.mark.parametrize('vm_state, task_state', [
    ('paused', None), ('suspended', None), ('shelved', None),
    ('active', 'powering-off'), ('resized', None)])
def test_evacuate_refused_in_other_states(nova, cloud, clock, vm_state,
                                          task_state):
    vm = cloud.add_server('compute1', vm_state=vm_state,
                          task_state=task_state)
    host_down(cloud, clock, 'compute1')
    with pytest.raises(nova_exc.Conflict) as exc:
        nova.servers.evacuate(vm.id)
    assert "Cannot 'evacuate' instance" in str(exc.value)


def test_evacuate_body_validation(cloud):
    vm = cloud.add_server('compute1')
    path = '/servers/%s/action' % vm.id
    resp = raw(cloud, 'POST', path, json={'evacuate': {'bogus': 1}})
    assert resp.status_code == 400
    resp = raw(cloud, 'POST', path, version='2.68',
               json={'evacuate': {'force': True}})
    assert resp.status_code == 400
    resp = raw(cloud, 'POST', path, json={'evacuate': {'force': True}})
    assert "Can't force" in resp.json()['badRequest']['message']
    resp = raw(cloud, 'POST', path, version='2.1', json={'evacuate': {}})
    assert 'onSharedStorage' in resp.json()['badRequest']['message']
    resp = raw(cloud, 'POST', path, json={'fly': None})
    assert resp.json()['badRequest']['message'] == \
        'There is no such action: fly'
    resp = raw(cloud, 'POST', path, data=b'{not json',
               headers={'Content-Type': 'application/json'})
    assert resp.status_code == 400


def test_stop_start(nova, cloud, clock):
    vm = cloud.add_server('compute1')
    nova.servers.stop(vm.id)
    assert server_state(nova, vm.id)[:2] == ('active', 'powering-off')
    clock.advance(5)
    s = nova.servers.get(vm.id)
    assert (s.status, s.to_dict()['OS-EXT-STS:power_state']) == ('SHUTOFF', 4)
    with pytest.raises(nova_exc.Conflict):
        nova.servers.stop(vm.id)
    nova.servers.start(vm.id)
    clock.advance(5)
    assert nova.servers.get(vm.id).status == 'ACTIVE'
    with pytest.raises(nova_exc.Conflict) as exc:
        nova.servers.start(vm.id)
    assert "while it is in vm_state active" in str(exc.value)


def test_stop_error_server_allowed_paused_refused(nova, cloud, clock):
    err = cloud.add_server('compute1', vm_state='error')
    nova.servers.stop(err.id)
    clock.advance(5)
    assert server_state(nova, err.id)[:2] == ('stopped', None)
    paused = cloud.add_server('compute1', vm_state='paused')
    with pytest.raises(nova_exc.Conflict):
        nova.servers.stop(paused.id)


def test_reset_state(nova, cloud):
    vm = cloud.add_server('compute1', task_state='rebuilding')
    nova.servers.reset_state(vm.id, 'error')
    assert server_state(nova, vm.id)[:2] == ('error', None)
    nova.servers.reset_state(vm.id, 'active')
    assert server_state(nova, vm.id)[:2] == ('active', None)
    resp = raw(cloud, 'POST', '/servers/%s/action' % vm.id,
               json={'os-resetState': {'state': 'paused'}})
    assert resp.status_code == 400


def test_lock_unlock_and_locked_rules(nova, cloud, clock):
    vm = cloud.add_server('compute1')
    demo = cloud.nova_client('2.53', admin=False)
    nova.servers.lock(vm.id)
    assert nova.servers.get(vm.id).locked is True
    with pytest.raises(nova_exc.Conflict) as exc:
        demo.servers.stop(vm.id)
    assert 'is locked' in str(exc.value)
    with pytest.raises(nova_exc.Forbidden):
        demo.servers.unlock(vm.id)          # admin lock, owner cannot undo
    nova.servers.stop(vm.id)                # admins ignore the lock
    nova.servers.unlock(vm.id)
    assert nova.servers.get(vm.id).locked is False
    demo.servers.lock(vm.id)
    demo.servers.unlock(vm.id)
    with pytest.raises(nova_exc.Forbidden):
        demo.servers.evacuate(vm.id)
    with pytest.raises(nova_exc.Forbidden):
        demo.servers.reset_state(vm.id, 'error')


def test_locked_reason_at_2_73(cloud):
    vm = cloud.add_server('compute1')
    nova = cloud.nova_client('2.73')
    nova.servers.lock(vm.id, reason='maintenance')
    assert nova.servers.get(vm.id).locked_reason == 'maintenance'
    resp = raw(cloud, 'POST', '/servers/%s/action' % vm.id,
               json={'lock': {'locked_reason': 'x'}})
    assert resp.status_code == 400              # not before 2.73


# -- migrations ----------------------------------------------------------------


def test_evacuation_migration_records(nova, cloud, clock):
    ok = cloud.add_server('compute1')
    doomed = cloud.add_server('compute1')
    cloud.inject_rebuild('fail', server_id=doomed.id)
    host_down(cloud, clock, 'compute1')
    nova.servers.evacuate(ok.id, host='compute2')
    nova.servers.evacuate(doomed.id)
    migs = nova.migrations.list(instance_uuid=ok.id)
    assert [(m.status, m.source_compute, m.dest_compute, m.migration_type)
            for m in migs] == [('accepted', 'compute1', 'compute2',
                                'evacuation')]
    clock.advance(2)
    assert nova.migrations.list(instance_uuid=ok.id)[0].status == \
        'pre-migrating'
    clock.advance(28)
    statuses = {m.instance_uuid: m.status
                for m in nova.migrations.list(migration_type='evacuation')}
    assert statuses == {ok.id: 'done', doomed.id: 'failed'}
