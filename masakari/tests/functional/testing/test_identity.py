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

"""Keystone fidelity, driven by keystoneauth1 (the engine's auth path)."""

import pytest
import requests
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading, session

pytestmark = pytest.mark.functional


def _session(cloud, **overrides):
    creds = dict(cloud.credentials, **overrides)
    plugin = loading.get_plugin_loader('password').load_from_options(**creds)
    return session.Session(auth=plugin)


def test_version_documents(cloud):
    resp = requests.get(cloud.keystone_url, timeout=5)
    assert resp.status_code == 200
    version = resp.json()['version']
    assert version['id'].startswith('v3') and version['status'] == 'stable'
    root = requests.get(cloud.base_url + '/identity/', timeout=5)
    assert root.status_code == 300
    assert root.json()['versions']['values'][0]['id'] == version['id']


@pytest.mark.parametrize('interface', ['public', 'internal', 'admin'])
def test_catalog_lookup_like_nova_catalog_admin_info(cloud, interface):
    sess = _session(cloud)
    url = sess.get_endpoint(service_type='compute', service_name='nova',
                            interface=interface, region_name='RegionOne')
    assert url == cloud.compute_url


def test_token_is_cached_across_calls(cloud):
    sess = _session(cloud)
    nova_url = cloud.compute_url
    for _ in range(3):
        sess.get(nova_url + '/os-services', headers={
            'X-OpenStack-Nova-API-Version': '2.53'})
    assert cloud.identity.token_requests == 1


def test_wrong_password_is_401(cloud):
    with pytest.raises(ks_exc.Unauthorized):
        _session(cloud, password='wrong').get_token()
    resp = requests.post(cloud.keystone_url + '/auth/tokens', timeout=5,
                         json={'auth': {'identity': {
                             'methods': ['password'], 'password': {'user': {
                                 'name': 'admin', 'password': 'bad',
                                 'domain': {'id': 'default'}}}}}})
    assert resp.status_code == 401
    assert resp.json()['error']['code'] == 401


def test_lowercase_default_domain_refused_like_postgresql(cloud):
    with pytest.raises(ks_exc.Unauthorized):
        _session(cloud, user_domain_name='default').get_token()
    assert _session(cloud, user_domain_id='default',
                    user_domain_name=None).get_token()


def test_expired_token_reauthenticates(cloud, clock):
    sess = _session(cloud)
    headers = {'X-OpenStack-Nova-API-Version': '2.53'}
    assert sess.get(cloud.compute_url + '/os-services',
                    headers=headers).status_code == 200
    cloud.revoke_tokens()       # nova now answers 401; keystoneauth retries
    assert sess.get(cloud.compute_url + '/os-services',
                    headers=headers).status_code == 200
    assert cloud.identity.token_requests == 2
    refused = [e for e in cloud.journal.entries(kind='compute.service.list')
               if e.status == 401]
    assert len(refused) == 1


def test_token_validation_and_revocation(cloud):
    sess = _session(cloud)
    token = sess.get_token()
    headers = {'X-Auth-Token': token, 'X-Subject-Token': token}
    url = cloud.keystone_url + '/auth/tokens'
    body = requests.get(url, headers=headers, timeout=5).json()['token']
    assert body['user']['name'] == 'admin'
    assert {r['name'] for r in body['roles']} >= {'admin'}
    assert requests.delete(url, headers=headers, timeout=5).status_code == 204
    assert requests.get(url, headers=headers, timeout=5).status_code == 401


def test_compute_without_token_is_401(cloud):
    resp = requests.get(cloud.compute_url + '/servers', timeout=5)
    assert resp.status_code == 401
    assert 'Keystone uri=' in resp.headers['WWW-Authenticate']


def test_journal_hides_passwords(cloud):
    _session(cloud).get_token()
    entry = cloud.journal.entries(kind='identity.token.create')[-1]
    user = entry.body['auth']['identity']['password']['user']
    assert user['password'] == '***' and user['name'] == 'admin'
    assert entry.status == 201


def test_token_expiry_in_simulated_time():
    from masakari.testing.cloud import CloudSimulator, ManualClock
    clock = ManualClock()
    with CloudSimulator(clock=clock, token_ttl=600) as sim:
        nova = sim.nova_client('2.53')
        nova.services.list()
        clock.advance(600)
        nova.services.list()       # 401, keystoneauth re-authenticates
        assert sim.identity.token_requests == 2
        statuses = [e.status for e in sim.journal.entries(
            kind='compute.service.list')]
        assert statuses == [200, 401, 200]
