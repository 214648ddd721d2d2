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

"""The /_sim control surface and the masakari-cloud-simulator command."""

import contextlib
import io
import json
import threading

import pytest
import requests

from masakari.testing.cloud import cmd

pytestmark = pytest.mark.functional


def test_build_kill_revive_state(cloud, clock):
    url = cloud.admin_url
    resp = requests.post(url + '/build', timeout=5, json={
        'hosts': [{'name': 'extra'}],
        'servers': [{'host': 'extra', 'count': 2, 'name': 'x'}]})
    assert resp.status_code == 201 and resp.json()['servers'] == 2
    assert requests.post(url + '/hosts/extra/kill',
                         timeout=5).json()['state'] == 'up'
    resp = requests.post(url + '/clock/advance', json={'seconds': 100},
                         timeout=5)
    assert resp.status_code == 200
    state = requests.get(url + '/state', timeout=5).json()
    extra = [h for h in state['hosts'] if h['name'] == 'extra'][0]
    assert (extra['alive'], extra['state'], extra['servers']) == (
        False, 'down', 2)
    assert requests.post(url + '/hosts/extra/revive',
                         timeout=5).json()['state'] == 'up'
    assert requests.post(url + '/hosts/ghost/kill',
                         timeout=5).status_code == 404
    vm = cloud.servers_on('extra')[0]
    got = requests.get(url + '/servers/' + vm.id, timeout=5).json()
    assert got['server']['host'] == 'extra'


def test_bad_admin_input_is_400(cloud):
    url = cloud.admin_url
    assert requests.post(url + '/build', json={'hosts': 'x'},
                         timeout=5).status_code == 400
    assert requests.post(url + '/faults', json={'status': 200},
                         timeout=5).status_code == 400
    assert requests.post(url + '/faults', json={'nope': 1},
                         timeout=5).status_code == 400
    assert requests.post(url + '/clock/advance', json={'seconds': -1},
                         timeout=5).status_code == 400
    assert requests.get(url + '/journal?since=x',
                        timeout=5).status_code == 400


def test_faults_and_journal_over_http(cloud, nova):
    url = cloud.admin_url
    resp = requests.post(url + '/faults', timeout=5, json={
        'kind': 'compute.service.list', 'status': 500})
    assert resp.status_code == 201
    requests.post(url + '/faults', timeout=5,
                  json={'rebuild': {'mode': 'fail'}})
    assert len(requests.get(url + '/faults', timeout=5).json()['faults']) \
        == 2
    with pytest.raises(Exception):
        nova.services.list()
    entries = requests.get(url + '/journal?kind=compute.service.list',
                           timeout=5).json()['entries']
    assert [e['status'] for e in entries] == [500]
    assert requests.delete(url + '/faults', timeout=5).status_code == 204
    assert requests.delete(url + '/journal', timeout=5).status_code == 204
    assert nova.services.list()
    entries = requests.get(url + '/journal', timeout=5).json()['entries']
    assert [e['kind'] for e in entries] == ['compute.service.list']


def test_scaled_clock_cannot_be_advanced():
    from masakari.testing.cloud import CloudSimulator
    with CloudSimulator(scale=10) as sim:
        resp = requests.post(sim.admin_url + '/clock/advance',
                             json={'seconds': 1}, timeout=5)
        assert resp.status_code == 409


def test_cmd_serves_until_stopped(tmp_path):
    spec = tmp_path / 'cloud.yaml'
    spec.write_text('scale: 50\nhosts: [{prefix: c, count: 2}]\n'
                    'servers: [{host: c-0001, count: 3}]\n')
    stop = threading.Event()
    out = io.StringIO()
    codes = []

    def run():
        with contextlib.redirect_stdout(out):
            codes.append(cmd.main(['--cloud', str(spec), '--json',
                                   '--admin-password', 'pw'], stop))

    worker = threading.Thread(target=run)
    worker.start()
    try:
        deadline = threading.Event()
        for _ in range(200):
            if out.getvalue():
                break
            deadline.wait(0.02)
        details = json.loads(out.getvalue().splitlines()[0])
        assert details['password'] == 'pw' and details['servers'] == 3
        from keystoneauth1 import loading, session
        plugin = loading.get_plugin_loader('password').load_from_options(
            auth_url=details['auth_url'], username=details['username'],
            password='pw', project_name=details['project_name'],
            user_domain_name=details['user_domain_name'],
            project_domain_name=details['project_domain_name'])
        from novaclient import client
        nova = client.Client('2.53', session=session.Session(auth=plugin))
        assert len(nova.servers.list(search_opts={'all_tenants': 1})) == 3
    finally:
        stop.set()
        worker.join(10)
    assert codes == [0]


@pytest.mark.parametrize('content, message', [
    ('hosts: [{name: a, bogus: 1}]\n', 'unknown key'),
    ('scale: -1\n', 'positive'),
    ('a: [\n', 'cloud.yaml'),
])
def test_cmd_rejects_bad_input(tmp_path, capsys, content, message):
    spec = tmp_path / 'cloud.yaml'
    spec.write_text(content)
    assert cmd.main(['--cloud', str(spec)], threading.Event()) == 2
    assert message in capsys.readouterr().err


def test_cmd_missing_file(capsys):
    assert cmd.main(['--cloud', '/nonexistent/x.yaml'],
                    threading.Event()) == 2
    assert 'No such file' in capsys.readouterr().err
