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

"""Keystone v3, just enough for keystoneauth password/token sessions."""

from __future__ import annotations

import copy

from masakari.testing.cloud.clock import to_datetime
from masakari.testing.cloud.errors import SimError
from masakari.testing.cloud.http import Call, Reply, Route, ServiceApp
from masakari.testing.cloud.identity_model import Identity, Token

_UPDATED = '2024-04-01T00:00:00Z'
_MEDIA = [{'base': 'application/json',
           'type': 'application/vnd.openstack.identity-v3+json'}]


def _iso(seconds: float) -> str:
    return to_datetime(seconds).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def _v3_doc(call: Call, prefix: str) -> dict:
    return {'id': 'v3.14', 'status': 'stable', 'updated': _UPDATED,
            'links': [{'rel': 'self',
                       'href': '%s%s/v3/' % (call.host_url, prefix)}],
            'media-types': _MEDIA}


def token_body(identity: Identity, token: Token) -> dict:
    """The ``token`` document of POST/GET /v3/auth/tokens."""
    domain = identity.domains[token.user.domain_id]
    body = {
        'methods': token.methods,
        'user': {'id': token.user.id, 'name': token.user.name,
                 'domain': {'id': domain.id, 'name': domain.name},
                 'password_expires_at': None},
        'audit_ids': [token.audit_id],
        'expires_at': _iso(token.expires_at),
        'issued_at': _iso(token.issued_at),
    }
    if token.project is None and not token.system:
        return body
    body['roles'] = [{'id': 'role-%s' % r, 'name': r} for r in token.roles]
    if token.system:
        body['system'] = {'all': True}
    else:
        pdom = identity.domains[token.project.domain_id]
        body['project'] = {'id': token.project.id,
                           'name': token.project.name,
                           'domain': {'id': pdom.id, 'name': pdom.name}}
        body['is_domain'] = False
    body['catalog'] = [
        {'id': ep.service_id, 'type': ep.service_type,
         'name': ep.service_name,
         'endpoints': [{'id': '%s-%s' % (ep.id, iface),
                        'interface': iface, 'region_id': identity.region,
                        'region': identity.region, 'url': ep.url}
                       for iface in ('public', 'internal', 'admin')]}
        for ep in identity.endpoints]
    return body


def _mask(body):
    """A copy of a token request with the password hidden (for the journal)."""
    try:
        user = body['auth']['identity']['password']['user']
    except (KeyError, TypeError):
        return body
    masked = copy.deepcopy(body)
    masked['auth']['identity']['password']['user'] = dict(user,
                                                          password='***')
    return masked


class IdentityApp(ServiceApp):
    name = 'identity'
    error_style = 'keystone'

    def journal_body(self, body):
        return _mask(body)

    def __init__(self, sim, prefix: str) -> None:
        super().__init__(sim, prefix, [
            Route('GET', '/', 'identity.versions', self.versions, auth=False),
            Route('GET', '/v3', 'identity.version', self.version, auth=False),
            Route('POST', '/v3/auth/tokens', 'identity.token.create',
                  self.issue, auth=False),
            Route('GET', '/v3/auth/tokens', 'identity.token.validate',
                  self.check, auth=False),
            Route('HEAD', '/v3/auth/tokens', 'identity.token.validate',
                  self.check, auth=False),
            Route('DELETE', '/v3/auth/tokens', 'identity.token.revoke',
                  self.revoke, auth=False),
        ])

    @property
    def identity(self) -> Identity:
        return self.sim.identity

    def versions(self, call: Call) -> Reply:
        # Keystone answers GET / with 300 Multiple Choices.
        return Reply(300, {'versions': {'values': [
            _v3_doc(call, self.prefix)]}})

    def version(self, call: Call) -> Reply:
        return Reply(200, {'version': _v3_doc(call, self.prefix)})

    def issue(self, call: Call) -> Reply:
        if not isinstance(call.body, dict):
            raise SimError(400, 'Expecting to find auth in request body.',
                           'keystone')
        token = self.identity.authenticate(call.body)
        call.token = token
        return Reply(201, {'token': token_body(self.identity, token)},
                     {'X-Subject-Token': token.id})

    def _caller(self, call: Call) -> Token:
        token = self.identity.validate(call.headers.get('X-Auth-Token'))
        if token is None:
            raise SimError(401, 'The request you have made requires '
                           'authentication.', 'keystone')
        call.token = token
        return token

    def check(self, call: Call) -> Reply:
        self._caller(call)
        subject = self.identity.validate(call.headers.get('X-Subject-Token'))
        if subject is None:
            raise SimError(404, 'Could not find token: %s'
                           % call.headers.get('X-Subject-Token'), 'keystone')
        return Reply(200, {'token': token_body(self.identity, subject)},
                     {'X-Subject-Token': subject.id})

    def revoke(self, call: Call) -> Reply:
        self._caller(call)
        subject = call.headers.get('X-Subject-Token')
        if self.identity.validate(subject) is None:
            raise SimError(404, 'Could not find token: %s' % subject,
                           'keystone')
        self.identity.revoke(subject)
        return Reply(204)

    def extra_headers(self, call: Call) -> dict[str, str]:
        return {'x-openstack-request-id': call.request_id,
                'Vary': 'X-Auth-Token'}
