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

import json

import pytest

from masakari.testing.cloud import builder
from masakari.testing.cloud.clock import ManualClock
from masakari.testing.cloud.simulator import CloudSimulator


@pytest.fixture
def cloud():
    sim = CloudSimulator(clock=ManualClock())   # built, never served
    yield sim
    sim.stop()


SPEC = {
    'hosts': [{'name': 'c1', 'vcpus': 8}, {'prefix': 'rack', 'count': 2},
              {'name': 'dead', 'alive': False}],
    'servers': [{'host': 'c1', 'name': 'ha', 'metadata': {'HA_Enabled': 1}},
                {'host': 'rack-0001', 'count': 3, 'vm_state': 'stopped'},
                {'host': 'c1', 'id': 'fixed-id', 'project': 'other'}],
    'aggregates': [{'name': 'agg', 'hosts': ['c1', 'rack-0002']}],
    'endpoints': [{'type': 'instance-ha', 'name': 'masakari',
                   'url': 'http://127.0.0.1:1/v1'}],
    'users': [{'name': 'alice', 'password': 'x', 'project': 'demo'}],
}


def test_build(cloud):
    counts = builder.build(cloud, SPEC)
    assert counts == {'hosts': 4, 'servers': 5, 'aggregates': 1}
    assert cloud.compute.hosts['c1'].vcpus == 8
    assert not cloud.compute.hosts['dead'].alive
    assert len(cloud.servers_on('rack-0001')) == 3
    assert cloud.get_server('fixed-id').project_id != \
        cloud.demo_project.id
    assert cloud.get_aggregate('agg').hosts == ['c1', 'rack-0002']
    assert any(e.service_type == 'instance-ha'
               for e in cloud.identity.endpoints)


@pytest.mark.parametrize('spec, text', [
    ({'bogus': 1}, 'unknown key'),
    ({'hosts': [{'name': 'a', 'cpus': 1}]}, 'hosts[0]'),
    ({'hosts': 'a'}, 'list of mappings'),
    ({'servers': [{'name': 'x'}]}, 'missing required key'),
    ({'servers': [{'host': 'nope'}]}, 'unknown host'),
])
def test_build_errors(cloud, spec, text):
    with pytest.raises(builder.SpecError) as exc:
        builder.build(cloud, spec)
    assert text in str(exc.value)


def test_options_and_load(tmp_path):
    path = tmp_path / 'cloud.json'
    path.write_text(json.dumps({'scale': 10, 'timings': {'rebuild': 3},
                                'region': 'R2'}))
    options = builder.simulator_options(builder.load(str(path)))
    assert options['scale'] == 10 and options['region'] == 'R2'
    assert options['timings'].rebuild == 3
    yaml_path = tmp_path / 'cloud.yaml'
    yaml_path.write_text('hosts: [{name: a}]\n')
    assert builder.load(str(yaml_path)) == {'hosts': [{'name': 'a'}]}
    yaml_path.write_text('- a\n')
    with pytest.raises(builder.SpecError):
        builder.load(str(yaml_path))
    yaml_path.write_text('a: [\n')
    with pytest.raises(builder.SpecError):
        builder.load(str(yaml_path))
    with pytest.raises(builder.SpecError):
        builder.simulator_options({'timings': {'nope': 1}})
