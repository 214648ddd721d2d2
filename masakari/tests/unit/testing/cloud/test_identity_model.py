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

import pytest

from masakari.testing.cloud.clock import ManualClock
from masakari.testing.cloud.errors import SimError
from masakari.testing.cloud.identity_model import Identity


def _body(user='admin', password='pw', domain='Default', project='admin',
          pdomain='Default'):
    return {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': user, 'password': password,
            'domain': {'name': domain}}}},
        'scope': {'project': {'name': project,
                              'domain': {'name': pdomain}}}}}


@pytest.fixture
def identity():
    ident = Identity(ManualClock(start=0.0), token_ttl=100)
    ident.add_user('admin', 'pw', 'admin', ('admin',))
    return ident


def test_password_auth_scoped(identity):
    token = identity.authenticate(_body())
    assert token.is_admin and token.project.name == 'admin'
    assert identity.validate(token.id) is token


@pytest.mark.parametrize('kwargs', [
    {'password': 'wrong'}, {'user': 'nobody'}, {'domain': 'Nowhere'},
    {'project': 'other'}])
def test_bad_credentials_are_401(identity, kwargs):
    with pytest.raises(SimError) as exc:
        identity.authenticate(_body(**kwargs))
    assert exc.value.code == 401
    assert exc.value.body()['error']['code'] == 401


def test_names_are_case_sensitive_by_default(identity):
    with pytest.raises(SimError):
        identity.authenticate(_body(domain='default'))
    identity.case_sensitive_names = False
    assert identity.authenticate(_body(domain='default', pdomain='default'))


def test_domain_by_id(identity):
    body = _body()
    body['auth']['identity']['password']['user']['domain'] = {
        'id': 'default'}
    assert identity.authenticate(body)


def test_tokens_expire_and_can_be_revoked(identity):
    token = identity.authenticate(_body())
    identity.clock.advance(100)
    assert identity.validate(token.id) is None
    token = identity.authenticate(_body())
    identity.revoke()
    assert identity.validate(token.id) is None


def test_token_method_rescopes(identity):
    token = identity.authenticate(_body())
    body = {'auth': {'identity': {'methods': ['token'],
                                  'token': {'id': token.id}},
                     'scope': {'system': {'all': True}}}}
    with pytest.raises(SimError):      # admin has no system role here
        identity.authenticate(body)
    body['auth'].pop('scope')
    unscoped = identity.authenticate(body)
    assert unscoped.project is None and unscoped.roles == []


def test_malformed_body_is_400(identity):
    with pytest.raises(SimError) as exc:
        identity.authenticate({'auth': {}})
    assert exc.value.code == 400
