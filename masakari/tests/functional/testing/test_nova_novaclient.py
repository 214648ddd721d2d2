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

"""Nova fidelity, driven by python-novaclient (what masakari's engine uses).

Each test names the Nova behaviour it checks; the simulator code names the
Nova function that behaviour mirrors.
"""

import datetime
import threading

import pytest
import requests
from novaclient import exceptions as nova_exc

from masakari.tests.functional.testing.conftest import host_down

pytestmark = pytest.mark.functional


def _raw(cloud, method, path, version='2.53', admin=True, **kwargs):
    headers = kwargs.pop('headers', {})
    if version:
        headers['X-OpenStack-Nova-API-Version'] = version
    sess = cloud.session(admin)
    return sess.request(cloud.compute_url + path, method, headers=headers,
                        raise_exc=False, **kwargs)


# -- versions and microversions --------------------------------------------


def test_version_documents(cloud):
    root = requests.get(cloud.base_url + '/compute/', timeout=5).json()
    current = [v for v in root['versions'] if v['id'] == 'v2.1'][0]
    assert current['version'] == '2.96' and current['min_version'] == '2.1'
    doc = requests.get(cloud.compute_url, timeout=5).json()['version']
    assert doc['status'] == 'CURRENT' and doc['version'] == '2.96'


def test_microversion_echo_and_406(cloud):
    resp = _raw(cloud, 'GET', '/os-services', version=None,
                headers={'OpenStack-API-Version': 'compute 2.60'})
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.60'
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.60'
    resp = _raw(cloud, 'GET', '/os-services', version='2.97')
    assert resp.status_code == 406
    assert resp.json()['computeFault']['code'] == 406
    resp = _raw(cloud, 'GET', '/os-services', version=None)
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.1'
    assert isinstance(resp.json()['services'][0]['id'], int)


def test_request_ids_and_global_request_id(cloud):
    resp = _raw(cloud, 'GET', '/servers', headers={
        'X-OpenStack-Request-ID': 'req-11111111-2222-3333-4444-555555555555'})
    assert resp.headers['X-Compute-Request-Id'].startswith('req-')
    assert resp.headers['X-OpenStack-Request-Id'] == \
        resp.headers['X-Compute-Request-Id']
    entry = cloud.journal.entries(kind='compute.server.list')[-1]
    assert entry.global_request_id == \
        'req-11111111-2222-3333-4444-555555555555'


def test_novaclient_at_2_95_and_2_96(cloud):
    for version in ('2.95', '2.96'):
        assert cloud.nova_client(version).services.list()


# -- os-services ------------------------------------------------------------


def test_services_list_filters(nova):
    computes = nova.services.list(binary='nova-compute')
    assert sorted(s.host for s in computes) == [
        'compute1', 'compute2', 'compute3']
    one = nova.services.list(host='compute2', binary='nova-compute')
    assert len(one) == 1
    svc = one[0]
    assert (svc.state, svc.status, svc.forced_down, svc.zone) == (
        'up', 'enabled', False, 'nova')
    assert len(svc.id) == 36                     # uuid at 2.53
    assert nova.services.list(host='nope') == []
    assert {s.binary for s in nova.services.list(host='controller')} == {
        'nova-scheduler', 'nova-conductor'}


def test_service_disable_enable(nova, cloud):
    svc = nova.services.list(host='compute1', binary='nova-compute')[0]
    out = nova.services.disable_log_reason(svc.id, 'Masakari detected')
    assert (out.status, out.disabled_reason) == ('disabled',
                                                 'Masakari detected')
    assert cloud.get_service('compute1')['status'] == 'disabled'
    out = nova.services.enable(svc.id)
    assert (out.status, out.disabled_reason) == ('enabled', None)
    assert nova.services.disable(svc.id).status == 'disabled'


def test_service_update_rules(cloud):
    sid = cloud.get_service('compute1')['id']
    cases = [
        ({'status': 'enabled', 'disabled_reason': 'x'}, 400),
        ({'disabled_reason': 'x'}, 400),
        ({}, 400),
        ({'status': 'maybe'}, 400),
        ({'bogus': 1}, 400),
        ({'forced_down': 'yes'}, 400),
    ]
    for body, code in cases:
        resp = _raw(cloud, 'PUT', '/os-services/' + sid, json=body)
        assert resp.status_code == code, body
        assert resp.json()['badRequest']['code'] == code
    resp = _raw(cloud, 'PUT', '/os-services/not-a-uuid',
                json={'status': 'disabled'})
    assert resp.status_code == 400
    resp = _raw(cloud, 'PUT', '/os-services/' + '0' * 8 + '-0000-0000-'
                '0000-' + '0' * 12, json={'status': 'disabled'})
    assert resp.status_code == 404
    assert 'itemNotFound' in resp.json()
    sched = [s for s in cloud.compute.services.values()
             if s.binary == 'nova-scheduler'][0]
    resp = _raw(cloud, 'PUT', '/os-services/' + sched.id,
                json={'status': 'disabled'})
    assert resp.status_code == 400
    assert 'Only nova-compute' in resp.json()['badRequest']['message']


def test_service_state_follows_heartbeats(nova, cloud, clock):
    cloud.kill_host('compute1')
    svc = nova.services.list(host='compute1', binary='nova-compute')[0]
    assert svc.state == 'up'             # not yet service_down_time
    clock.advance(71)
    svc = nova.services.list(host='compute1', binary='nova-compute')[0]
    assert svc.state == 'down'
    cloud.revive_host('compute1')
    svc = nova.services.list(host='compute1', binary='nova-compute')[0]
    assert svc.state == 'up'


def test_forced_down_is_down_at_once(nova):
    svc = nova.services.list(host='compute1', binary='nova-compute')[0]
    out = nova.services.force_down(svc.id, True)
    assert out.forced_down is True
    svc = nova.services.list(host='compute1', binary='nova-compute')[0]
    assert (svc.state, svc.forced_down) == ('down', True)
    nova.services.force_down(svc.id, False)
    assert nova.services.list(host='compute1')[0].state == 'up'


def test_disabling_dead_but_up_compute_waits_for_rpc_timeout(nova, cloud,
                                                             clock):
    cloud.kill_host('compute1')
    svc = nova.services.list(host='compute1', binary='nova-compute')[0]
    result = []
    worker = threading.Thread(
        target=lambda: result.append(nova.services.disable(svc.id)))
    worker.start()
    worker.join(0.3)
    assert worker.is_alive()             # nova-api waits on the RPC
    clock.advance(60)
    worker.join(10)
    assert result and result[0].status == 'disabled'
    # forced down first: no wait at all
    nova.services.force_down(svc.id, True)
    assert nova.services.enable(svc.id).status == 'enabled'


# -- servers: listing and show ----------------------------------------------


def test_list_by_host_all_tenants(nova, cloud):
    a = cloud.add_server('compute1', 'a')
    cloud.add_server('compute2', 'b')
    c = cloud.add_server('compute1', 'c', project='other')
    found = nova.servers.list(search_opts={'all_tenants': True,
                                           'host': 'compute1'})
    assert [s.id for s in found] == [c.id, a.id]     # newest first
    entry = cloud.journal.entries(kind='compute.server.list')[-1]
    assert entry.path == '/v2.1/servers/detail'
    assert entry.query == {'all_tenants': ['True'], 'host': ['compute1']}
    # without all_tenants an admin sees only its own project
    assert nova.servers.list(search_opts={'host': 'compute1'}) == []


def test_list_pagination_and_max_limit(cloud, nova):
    ids = [cloud.add_server('compute1').id for _ in range(1003)]
    body = _raw(cloud, 'GET', '/servers/detail?all_tenants=1').json()
    assert len(body['servers']) == 1000                 # [api] max_limit
    assert 'marker=%s' % ids[3] in body['servers_links'][0]['href']
    page = nova.servers.list(search_opts={'all_tenants': True},
                             limit=2, marker=ids[3])
    assert [s.id for s in page] == [ids[2], ids[1]]
    everything = nova.servers.list(search_opts={'all_tenants': True},
                                   limit=-1)
    assert len(everything) == 1003
    resp = _raw(cloud, 'GET', '/servers/detail?all_tenants=1&marker=nope')
    assert resp.status_code == 400
    assert 'marker [nope] not found' in resp.json()['badRequest']['message']
    resp = _raw(cloud, 'GET', '/servers/detail?limit=-1')
    assert resp.status_code == 400


def test_list_filters_status_and_bad_all_tenants(cloud, nova):
    cloud.add_server('compute1', vm_state='stopped')
    active = cloud.add_server('compute1')
    found = nova.servers.list(search_opts={'all_tenants': True,
                                           'status': 'ACTIVE'})
    assert [s.id for s in found] == [active.id]
    assert _raw(cloud, 'GET', '/servers?all_tenants=maybe').status_code == 400


def test_show_fields_at_2_53(nova, cloud):
    vm = cloud.add_server('compute2', 'vm', metadata={'HA_Enabled': 'True'},
                          locked=True)
    s = nova.servers.get(vm.id)
    assert s.metadata == {'HA_Enabled': 'True'}
    assert s.locked is True
    assert s.status == 'ACTIVE'
    attrs = s.to_dict()
    assert attrs['OS-EXT-STS:vm_state'] == 'active'
    assert attrs['OS-EXT-STS:task_state'] is None
    assert attrs['OS-EXT-STS:power_state'] == 1
    assert attrs['OS-EXT-SRV-ATTR:host'] == 'compute2'
    assert attrs['OS-EXT-SRV-ATTR:hypervisor_hostname'] == 'compute2'
    assert attrs['host_status'] == 'UP'
    assert 'locked_reason' not in attrs         # 2.73+
    assert attrs['flavor']['original_name'] == 'm1.small'


def test_node_name_can_differ_from_host(cloud, nova):
    cloud.add_host('compute4', node='compute4.example.org')
    vm = cloud.add_server('compute4')
    attrs = nova.servers.get(vm.id).to_dict()
    assert attrs['OS-EXT-SRV-ATTR:host'] == 'compute4'
    assert attrs['OS-EXT-SRV-ATTR:hypervisor_hostname'] == \
        'compute4.example.org'


def test_show_unknown_is_404_item_not_found(cloud, nova):
    with pytest.raises(nova_exc.NotFound):
        nova.servers.get('00000000-0000-0000-0000-000000000000')
    resp = _raw(cloud, 'GET', '/servers/nope')
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Instance nope could not be found.'}}


def test_non_admin_view(cloud):
    mine = cloud.add_server('compute1')
    theirs = cloud.add_server('compute1', project='other')
    demo = cloud.nova_client('2.53', admin=False)
    assert [s.id for s in demo.servers.list()] == [mine.id]
    attrs = demo.servers.get(mine.id).to_dict()
    assert 'OS-EXT-SRV-ATTR:host' not in attrs
    with pytest.raises(nova_exc.NotFound):
        demo.servers.get(theirs.id)
    with pytest.raises(nova_exc.Forbidden):
        demo.servers.list(search_opts={'all_tenants': True})
    with pytest.raises(nova_exc.Forbidden):
        demo.services.list()


# -- server actions ------------------------------------------------------------


def _vm(nova, server_id):
    attrs = nova.servers.get(server_id).to_dict()
    return (attrs['OS-EXT-STS:vm_state'], attrs['OS-EXT-STS:task_state'],
            attrs['OS-EXT-SRV-ATTR:host'])


def test_evacuate_refused_while_source_up(nova, cloud):
    vm = cloud.add_server('compute1')
    with pytest.raises(nova_exc.BadRequest) as exc:
        nova.servers.evacuate(vm.id)
    assert 'still in use' in str(exc.value)
    assert _vm(nova, vm.id) == ('active', None, 'compute1')


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
    assert _vm(nova, vm.id) == (vm_state, 'rebuilding', 'compute1')
    assert nova.servers.get(vm.id).status == 'REBUILD'
    clock.advance(2)
    state, task, host = _vm(nova, vm.id)
    assert (state, task) == (vm_state, 'rebuild_spawning')
    assert host in ('compute2', 'compute3')
    clock.advance(28)
    assert _vm(nova, vm.id) == (end, None, host)


def test_evacuate_to_named_host(nova, cloud, clock):
    vm = cloud.add_server('compute1')
    host_down(cloud, clock, 'compute1')
    nova.servers.evacuate(vm.id, host='compute3')
    entry = cloud.journal.entries(action='evacuate')[-1]
    assert entry.body == {'evacuate': {'host': 'compute3'}}
    clock.advance(30)
    assert _vm(nova, vm.id) == ('active', None, 'compute3')


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
    resp = _raw(cloud, 'POST', path, json={'evacuate': {'bogus': 1}})
    assert resp.status_code == 400
    resp = _raw(cloud, 'POST', path, version='2.68',
                json={'evacuate': {'force': True}})
    assert resp.status_code == 400
    resp = _raw(cloud, 'POST', path, json={'evacuate': {'force': True}})
    assert "Can't force" in resp.json()['badRequest']['message']
    resp = _raw(cloud, 'POST', path, version='2.1', json={'evacuate': {}})
    assert 'onSharedStorage' in resp.json()['badRequest']['message']
    resp = _raw(cloud, 'POST', path, json={'fly': None})
    assert resp.json()['badRequest']['message'] == \
        'There is no such action: fly'
    resp = _raw(cloud, 'POST', path, data=b'{not json',
                headers={'Content-Type': 'application/json'})
    assert resp.status_code == 400


def test_stop_start(nova, cloud, clock):
    vm = cloud.add_server('compute1')
    nova.servers.stop(vm.id)
    assert _vm(nova, vm.id)[:2] == ('active', 'powering-off')
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
    assert _vm(nova, err.id)[:2] == ('stopped', None)
    paused = cloud.add_server('compute1', vm_state='paused')
    with pytest.raises(nova_exc.Conflict):
        nova.servers.stop(paused.id)


def test_reset_state(nova, cloud):
    vm = cloud.add_server('compute1', task_state='rebuilding')
    nova.servers.reset_state(vm.id, 'error')
    assert _vm(nova, vm.id)[:2] == ('error', None)
    nova.servers.reset_state(vm.id, 'active')
    assert _vm(nova, vm.id)[:2] == ('active', None)
    resp = _raw(cloud, 'POST', '/servers/%s/action' % vm.id,
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
    resp = _raw(cloud, 'POST', '/servers/%s/action' % vm.id,
                json={'lock': {'locked_reason': 'x'}})
    assert resp.status_code == 400              # not before 2.73


# -- aggregates and hypervisors ----------------------------------------------


def test_aggregates(nova, cloud):
    agg = cloud.add_aggregate('rack1', ['compute1'])
    listed = nova.aggregates.list()
    assert [(a.name, a.hosts) for a in listed] == [('rack1', ['compute1'])]
    out = nova.aggregates.add_host(agg.id, 'compute2')
    assert out.hosts == ['compute1', 'compute2']
    with pytest.raises(nova_exc.Conflict) as exc:
        nova.aggregates.add_host(agg.id, 'compute2')
    assert 'already has host compute2' in str(exc.value)
    with pytest.raises(nova_exc.NotFound):
        nova.aggregates.add_host(agg.id, 'ghost')
    with pytest.raises(nova_exc.NotFound):
        nova.aggregates.add_host(999, 'compute3')
    assert nova.aggregates.remove_host(agg.id, 'compute1').hosts == [
        'compute2']
    with pytest.raises(nova_exc.NotFound):
        nova.aggregates.remove_host(agg.id, 'compute1')
    assert nova.aggregates.get(agg.id).name == 'rack1'


def test_hypervisors_detail_usage(nova, cloud):
    cloud.add_server('compute1', flavor='m1.large')
    hyp = [h for h in nova.hypervisors.list(detailed=True)
           if h.hypervisor_hostname == 'compute1'][0]
    assert (hyp.vcpus_used, hyp.memory_mb_used, hyp.running_vms) == (4, 8192,
                                                                     1)
    assert hyp.vcpus == 32 and hyp.state == 'up'
    assert hyp.service['host'] == 'compute1'
    newer = cloud.nova_client('2.88').hypervisors.list(detailed=True)[0]
    assert not hasattr(newer, 'vcpus')            # removed in 2.88


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


def test_admin_filters_uuid_vm_state_changes_since(cloud, nova, clock):
    a = cloud.add_server('compute1')
    b = cloud.add_server('compute1', vm_state='stopped')
    everyone = {'all_tenants': True}
    assert [s.id for s in nova.servers.list(
        search_opts=dict(everyone, uuid=a.id))] == [a.id]
    assert [s.id for s in nova.servers.list(
        search_opts=dict(everyone, vm_state='stopped'))] == [b.id]
    clock.advance(10)
    mark = cloud.get_server(a.id).updated + 5
    nova.servers.stop(a.id)
    since = datetime.datetime.fromtimestamp(
        mark, datetime.timezone.utc).isoformat()
    assert [s.id for s in nova.servers.list(
        search_opts={'all_tenants': True, 'changes-since': since})] == [a.id]
    resp = _raw(cloud, 'GET', '/servers/detail?changes-since=yesterday')
    assert resp.status_code == 400
    resp = _raw(cloud, 'GET', '/servers/detail?all_tenants=1&name=(')
    assert resp.status_code == 400
