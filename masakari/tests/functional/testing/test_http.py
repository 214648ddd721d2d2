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

"""Routing and error shapes shared by every simulated service."""

import pytest
import requests

from masakari.testing.cloud import compute_servers
from masakari.testing.cloud.fixture import CloudFixture

pytestmark = pytest.mark.functional


def _get(cloud, path, method='GET', **kwargs):
    sess = cloud.session()
    return sess.request(cloud.compute_url + path, method, raise_exc=False,
                        headers={'X-OpenStack-Nova-API-Version': '2.53'},
                        **kwargs)


def test_unknown_path_is_404_item_not_found(cloud):
    resp = _get(cloud, '/os-nothing')
    assert resp.status_code == 404
    assert resp.json()['itemNotFound']['code'] == 404
    resp = requests.get(cloud.base_url + '/elsewhere', timeout=5)
    assert resp.status_code == 404


def test_wrong_method_is_405_bad_method(cloud):
    resp = _get(cloud, '/os-services', method='DELETE')
    assert resp.status_code == 405
    assert resp.json()['badMethod']['code'] == 405


def test_simulator_bug_answers_500_without_traceback(cloud, monkeypatch):
    def boom(sim, call, server, body):
        raise RuntimeError('secret internals')

    monkeypatch.setitem(compute_servers.ACTIONS, 'os-stop', boom)
    vm = cloud.add_server('compute1')
    resp = _get(cloud, '/servers/%s/action' % vm.id, method='POST',
                json={'os-stop': None})
    assert resp.status_code == 500
    assert 'secret internals' not in resp.text
    assert resp.json()['computeFault']['code'] == 500


def test_fixture_starts_and_stops():
    fixture = CloudFixture()
    fixture.setUp()
    cloud = fixture.cloud
    assert requests.get(cloud.keystone_url, timeout=5).status_code == 200
    fixture.cleanUp()
    with pytest.raises(requests.ConnectionError):
        requests.get(cloud.keystone_url, timeout=5)
