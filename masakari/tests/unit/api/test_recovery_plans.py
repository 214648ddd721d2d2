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

"""Microversion 1.4: the recovery plan calls, on a simulated cloud."""

import pytest

from masakari.compute import nova as nova_mod
from masakari.compute import session as nova_session
from masakari.engine.policy import whatif
from masakari.ha import recovery_plans
from masakari.testing import nova_conf
from masakari.tests.unit.engine import sim as simhelp

V = '1.4'


@pytest.fixture
def cloud():
    with simhelp.cloud() as sim:
        for i in range(3):
            sim.add_host(f'host{i}', vcpus=4, memory_mb=4096, local_gb=100)
        yield sim


@pytest.fixture
def offered(conf, app_context, cloud):
    conf.set_override('enable_recovery_plan_api', True)
    conf.set_override('capacity_aware_targets', True, group='host_failure')
    nova_conf.use_simulator(conf, cloud)
    app_context.recovery_planner = recovery_plans.Planner(conf)
    return conf


@pytest.fixture
def segment(client):
    seg = client.post('/v1/segments', {'segment': {
        'name': 's1', 'recovery_method': 'auto',
        'service_type': 'COMPUTE'}}).json['segment']
    hosts = {}
    for i in range(3):
        hosts[f'host{i}'] = client.post(
            f"/v1/segments/{seg['uuid']}/hosts", {'host': {
                'name': f'host{i}', 'type': 'COMPUTE',
                'control_attributes': 'SSH'}}).json['host']
    return seg, hosts


def test_upstream_versions_answer_as_an_unknown_path(client, segment):
    seg, hosts = segment
    base = f"/v1/segments/{seg['uuid']}"
    unknown = client.get(base + '/no_such_thing')
    for version in (None, '1.0', '1.3', '1.4', 'latest', 'bogus'):
        for path in ('/recovery_plans', '/recovery_plans/'
                     + hosts['host0']['uuid']):
            got = client.get(base + path, version=version)
            assert (got.status, got.body) == (unknown.status, unknown.body)
            assert 'OpenStack-API-Version' not in got.headers
    assert client.get('/v1', version='latest').json['version'][
        'version'] == '1.3'
    assert client.get('/v1/segments', version='1.4').status == 406


def test_below_1_4_nothing_changes_with_the_option(client, offered, segment):
    seg, hosts = segment
    base = f"/v1/segments/{seg['uuid']}"
    unknown = client.get(base + '/no_such_thing', version='1.3')
    got = client.get(base + '/recovery_plans', version='1.3')
    assert (got.status, got.body) == (unknown.status, unknown.body)
    assert client.get('/v1', version='latest').json['version'][
        'version'] == '1.4'
    assert client.post(base + '/recovery_plans', {}, version=V).status == 405


def test_host_plan_is_the_engines_plan(client, offered, segment, cloud,
                                       database):
    seg, hosts = segment
    keep = cloud.add_server('host0', metadata={
        'masakari:restart_priority': '900'})
    drop = cloud.add_server('host0', flavor='m1.medium')
    cloud.add_server('host1', flavor='m1.medium')
    got = client.get(f"/v1/segments/{seg['uuid']}/recovery_plans/"
                     f"{hosts['host0']['uuid']}", version=V)
    assert got.status == 200
    assert got.headers['OpenStack-API-Version'] == 'instance-ha 1.4'
    plan = got.json['recovery_plan']
    api = nova_mod.API(conf=offered, sessions=nova_session.SessionCache())
    expected = whatif.what_if(api, None, database, offered, 'host0', 'auto',
                              recovery_plans.Planner(offered).clock.utcnow())
    assert plan == expected
    # host1 is full; host2 takes the higher priority first
    by_id = {i['instance_uuid']: i for i in plan['instances']}
    assert (by_id[keep.id]['action'], by_id[keep.id]['target_host']) == (
        'evacuate', 'host2')
    assert by_id[drop.id]['action'] == 'skip'
    assert plan['not_fitting'] == [drop.id]


def test_segment_plan(client, offered, segment, cloud):
    seg, _ = segment
    for _ in range(3):
        cloud.add_server('host0', flavor='m1.large')   # 4 vCPU, 8 GB
    got = client.get(f"/v1/segments/{seg['uuid']}/recovery_plans",
                     version=V)
    assert got.status == 200
    answer = got.json['recovery_plan']
    assert answer['failover_capacity'] is False
    assert answer['hosts_without_failover_capacity'] == ['host0']
    assert [p['host'] for p in answer['plans']] == ['host0', 'host1',
                                                    'host2']


def test_unknown_segment_or_host(client, offered, segment):
    seg, _ = segment
    base = f"/v1/segments/{seg['uuid']}/recovery_plans"
    assert client.get(base + '/not-a-uuid', version=V).status == 404
    assert client.get(base + '/3f1b7c1e-1111-4222-8333-944445555666',
                      version=V).status == 404
    other = '/v1/segments/3f1b7c1e-1111-4222-8333-944445555666'
    assert client.get(other + '/recovery_plans', version=V).status == 404


def test_nova_down_is_a_503(client, offered, segment, cloud):
    seg, hosts = segment
    cloud.inject(kind='compute.server.list', status=500, times=5)
    got = client.get(f"/v1/segments/{seg['uuid']}/recovery_plans/"
                     f"{hosts['host0']['uuid']}", version=V)
    assert got.status == 503
