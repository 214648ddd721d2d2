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

"""The API's policy with real Keystone tokens through keystonemiddleware.

Every masakari rule is admin-only (role admin in any project); GET /v1
needs only a valid token, GET / none at all.
"""

import pytest

pytestmark = pytest.mark.functional

ADMIN_ONLY = [
    ('GET', '/v1/segments'),
    ('GET', '/v1/notifications'),
    ('GET', '/v1/extensions'),
    ('POST', '/v1/segments'),
]
SEGMENT = {'segment': {'name': 'auth-matrix', 'service_type': 'COMPUTE',
                       'recovery_method': 'auto'}}


@pytest.fixture(scope='module')
def tokens(bed, admin_token):
    found = {'cloud-admin': admin_token}
    for project in ('alpha', 'beta'):
        for role in ('admin', 'member', 'reader'):
            found[f'{project}-{role}'] = bed.token(f'{project}-{role}',
                                                   project)
    revoked = bed.token('alpha-admin', 'alpha')
    bed.revoke(admin_token, revoked)
    found['revoked'] = revoked
    return found


def status_of(masakari, method, path, token):
    body = SEGMENT if method == 'POST' else None
    status, parsed = masakari.request(method, path, body, token)
    if method == 'POST' and status == 201:
        masakari.request('DELETE',
                         f"/v1/segments/{parsed['segment']['uuid']}",
                         token=token)
    return status, parsed


@pytest.mark.parametrize('method,path', ADMIN_ONLY)
@pytest.mark.parametrize('who,expected', [
    ('cloud-admin', 'ok'),
    ('alpha-admin', 'ok'),
    ('beta-admin', 'ok'),          # admin of another project: still admin
    ('alpha-member', 403),
    ('alpha-reader', 403),
    ('beta-member', 403),
    ('beta-reader', 403),
    ('revoked', 401),
    (None, 401),
])
def test_policy_matrix(masakari, tokens, who, expected, method, path):
    token = tokens[who] if who else None
    status, body = status_of(masakari, method, path, token)
    if expected == 'ok':
        assert status in (200, 201), (status, body)
    else:
        assert status == expected, (status, body)
    if expected == 403:
        assert body['forbidden']['code'] == 403
        assert "Policy doesn't allow" in body['forbidden']['message']


def test_garbage_token_is_401(masakari):
    status, _ = masakari.request('GET', '/v1/segments', token='not-a-token')
    assert status == 401


@pytest.mark.parametrize('who', ['alpha-member', 'beta-reader'])
def test_version_document_needs_only_a_token(masakari, tokens, who):
    status, body = masakari.request('GET', '/v1', token=tokens[who])
    assert status == 200, body
    assert body['version']['id'] == 'v1.0'
    status, _ = masakari.request('GET', '/v1')
    assert status == 401


def test_root_needs_no_token(masakari):
    status, body = masakari.request('GET', '/')
    assert status == 200
    assert body['versions']
