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
Nova function that behaviour mirrors. Server actions and migrations are in
test_nova_novaclient_actions.
"""

import datetime
import threading

import pytest
import requests
from novaclient import exceptions as nova_exc

from masakari.tests.functional.testing.nova_calls import raw

pytestmark = pytest.mark.functional


# -- versions and microversions --------------------------------------------


def test_version_documents(cloud):
    root = requests.get(cloud.base_url + '/compute/', timeout=5).json()
    current = [v for v in root['versions'] if v['id'] == 'v2.1'][0]
    assert current['version'] == '2.96' and current['min_version'] == '2.1'
    doc = requests.get(cloud.compute_url, timeout=5).json()['version']
    assert doc['status'] == 'CURRENT' and doc['version'] == '2.96'


def test_microversion_echo_and_406(cloud):
    resp = raw(cloud, 'GET', '/os-services', version=None,
               headers={'OpenStack-API-Version': 'compute 2.60'})
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.60'
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.60'
    resp = raw(cloud, 'GET', '/os-services', version='2.97')
    assert resp.status_code == 406
    assert resp.json()['computeFault']['code'] == 406
    resp = raw(cloud, 'GET', '/os-services', version=None)
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.1'
    assert isinstance(resp.json()['services'][0]['id'], int)


def test_request_ids_and_global_request_id(cloud):
    resp = raw(cloud, 'GET', '/servers', headers={
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
        resp = raw(cloud, 'PUT', '/os-services/' + sid, json=body)
        assert resp.status_code == code, body
        assert resp.json()['badRequest']['code'] == code
    resp = raw(cloud, 'PUT', '/os-services/not-a-uuid',
               json={'status': 'disabled'})
    assert resp.status_code == 400
    resp = raw(cloud, 'PUT', '/os-services/' + '0' * 8 + '-0000-0000-'
               '0000-' + '0' * 12, json={'status': 'disabled'})
    assert resp.status_code == 404
    assert 'itemNotFound' in resp.json()
    sched = [s for s in cloud.compute.services.values()
             if s.binary == 'nova-scheduler'][0]
    resp = raw(cloud, 'PUT', '/os-services/' + sched.id,
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
    body = raw(cloud, 'GET', '/servers/detail?all_tenants=1').json()
    assert len(body['servers']) == 1000                 # [api] max_limit
    assert 'marker=%s' % ids[3] in body['servers_links'][0]['href']
    page = nova.servers.list(search_opts={'all_tenants': True},
                             limit=2, marker=ids[3])
    assert [s.id for s in page] == [ids[2], ids[1]]
    everything = nova.servers.list(search_opts={'all_tenants': True},
                                   limit=-1)
    assert len(everything) == 1003
    resp = raw(cloud, 'GET', '/servers/detail?all_tenants=1&marker=nope')
    assert resp.status_code == 400
    assert 'marker [nope] not found' in resp.json()['badRequest']['message']
    resp = raw(cloud, 'GET', '/servers/detail?limit=-1')
    assert resp.status_code == 400


def test_list_filters_status_and_bad_all_tenants(cloud, nova):
    cloud.add_server('compute1', vm_state='stopped')
    active = cloud.add_server('compute1')
    found = nova.servers.list(search_opts={'all_tenants': True,
                                           'status': 'ACTIVE'})
    assert [s.id for s in found] == [active.id]
    assert raw(cloud, 'GET', '/servers?all_tenants=maybe').status_code == 400


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
    resp = raw(cloud, 'GET', '/servers/nope')
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
    resp = raw(cloud, 'GET', '/servers/detail?changes-since=yesterday')
    assert resp.status_code == 400
    resp = raw(cloud, 'GET', '/servers/detail?all_tenants=1&name=(')
    assert resp.status_code == 400
