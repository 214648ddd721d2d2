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

"""Policy defaults and enforcement in keystone-context mode."""

import pytest

from masakari import policies
from masakari import policy
from masakari.tests.unit.api import fakes

ADMIN = {'X-User-Id': 'u1', 'X-Project-Id': 'abc123', 'X-Roles': 'admin'}
MEMBER = {'X-User-Id': 'u2', 'X-Project-Id': 'abc123',
          'X-Roles': 'member,reader'}
OTHER_ADMIN = {'X-User-Id': 'u3', 'X-Project-Id': 'def456',
               'X-Roles': 'admin'}

EXPECTED_DEFAULTS = {
    'context_is_admin': 'role:admin',
    'admin_or_owner': 'is_admin:True or project_id:%(project_id)s',
    'admin_api': 'is_admin:True',
    'os_masakari_api:versions:index': '@',
    'os_masakari_api:versions:discoverable': '@',
}
API_RULES = [f'os_masakari_api:{r}:{a}' for r, actions in (
    ('extensions', ('index', 'detail', 'discoverable')),
    ('os-hosts', ('index', 'detail', 'create', 'update', 'delete',
                  'discoverable')),
    ('notifications', ('index', 'detail', 'create', 'discoverable')),
    ('segments', ('index', 'detail', 'create', 'update', 'delete',
                  'discoverable')),
    ('vmoves', ('index', 'detail', 'discoverable')),
) for a in actions]


def test_rule_names_and_defaults():
    rules = {r.name: r.check_str for r in policies.list_rules()}
    assert len(rules) == len(policies.list_rules())
    for name, check in EXPECTED_DEFAULTS.items():
        assert rules[name] == check
    for name in API_RULES:
        assert rules[name] == 'rule:admin_api'
    assert set(rules) == set(EXPECTED_DEFAULTS) | set(API_RULES)


def test_get_enforcer_for_tools():
    enforcer = policy.get_enforcer()
    assert 'os_masakari_api:segments:index' in enforcer.registered_rules


REQUESTS = [
    ('GET', '/v1/segments', None, 'os_masakari_api:segments:index'),
    ('GET', '/v1/segments/x', None, 'os_masakari_api:segments:detail'),
    ('DELETE', '/v1/segments/x', None, 'os_masakari_api:segments:delete'),
    ('PUT', '/v1/segments/x', {'segment': {'name': 'n'}},
     'os_masakari_api:segments:update'),
    ('POST', '/v1/segments', {'segment': {
        'name': 'n', 'service_type': 'C', 'recovery_method': 'auto'}},
     'os_masakari_api:segments:create'),
    ('GET', '/v1/segments/x/hosts', None, 'os_masakari_api:os-hosts:index'),
    ('GET', '/v1/segments/x/hosts/y', None,
     'os_masakari_api:os-hosts:detail'),
    ('POST', '/v1/segments/x/hosts', {'host': {
        'name': 'h', 'type': 'C', 'control_attributes': ''}},
     'os_masakari_api:os-hosts:create'),
    ('PUT', '/v1/segments/x/hosts/y', {'host': {'name': 'h'}},
     'os_masakari_api:os-hosts:update'),
    ('DELETE', '/v1/segments/x/hosts/y', None,
     'os_masakari_api:os-hosts:delete'),
    ('GET', '/v1/notifications', None, 'os_masakari_api:notifications:index'),
    ('GET', '/v1/notifications/x', None,
     'os_masakari_api:notifications:detail'),
    ('POST', '/v1/notifications', {'notification': {
        'type': 'VM', 'hostname': 'h', 'generated_time': '2026-01-01',
        'payload': {}}}, 'os_masakari_api:notifications:create'),
    ('GET', '/v1/notifications/x/vmoves', None,
     'os_masakari_api:vmoves:index'),
    ('GET', '/v1/notifications/x/vmoves/y', None,
     'os_masakari_api:vmoves:detail'),
    ('GET', '/v1/extensions', None, 'os_masakari_api:extensions:index'),
    ('GET', '/v1/extensions/segments', None,
     'os_masakari_api:extensions:detail'),
]


@pytest.mark.parametrize('method,path,body,rule', REQUESTS)
def test_member_is_forbidden(keystone_app, method, path, body, rule):
    resp = fakes.Client(keystone_app, MEMBER).request(method, path, body)
    assert resp.fault() == ('forbidden', 403,
                            f"Policy doesn't allow {rule} to be performed.")


@pytest.mark.parametrize('method,path,body,rule', REQUESTS)
def test_admin_passes_policy(keystone_app, method, path, body, rule):
    for headers in (ADMIN, OTHER_ADMIN):
        resp = fakes.Client(keystone_app, headers).request(method, path, body)
        assert resp.status != 403, resp


def test_member_gets_version_document(keystone_app):
    assert fakes.Client(keystone_app, MEMBER).get('/v1').status == 200


def test_schema_error_before_policy(keystone_app):
    client = fakes.Client(keystone_app, MEMBER)
    assert client.post('/v1/segments', {'segment': {}}).status == 400
    assert client.post('/v1/segments/x/hosts', {'host': {}}).status == 400
    # The type-specific payload check comes after the policy check.
    resp = client.post('/v1/notifications', {'notification': {
        'type': 'VM', 'hostname': 'h', 'generated_time': '2026-01-01',
        'payload': {}}})
    assert resp.status == 403


def test_no_user_is_401_envelope(keystone_app):
    resp = fakes.Client(keystone_app, {'X-Project-Id': 'abc'}).get(
        '/v1/segments')
    assert resp.fault() == (
        'unauthorized', 401,
        'The request you have made requires authentication.')


def test_other_project_prefix_is_400_even_for_admin(keystone_app):
    resp = fakes.Client(keystone_app, OTHER_ADMIN).get('/v1/abc123/segments')
    assert resp.status == 400


def test_noauth2_is_always_admin(client):
    member = fakes.Client(client.app, MEMBER)
    assert member.get('/v1/segments').status == 200


def test_policy_file_override(keystone_app, app_context, conf, tmp_path):
    path = tmp_path / 'policy.yaml'
    path.write_text('"os_masakari_api:segments:index": "@"\n'
                    '"os_masakari_api:vmoves:discoverable": "!"\n')
    conf.set_override('policy_file', str(path), group='oslo_policy')
    app_context.enforcer = policy.make_enforcer(conf)
    try:
        member = fakes.Client(keystone_app, MEMBER)
        assert member.get('/v1/segments').status == 200
        assert member.get('/v1/segments/x').status == 403
        admin = fakes.Client(keystone_app, ADMIN)
        aliases = [e['alias'] for e in
                   admin.get('/v1/extensions').json['extensions']]
        assert 'vmoves' not in aliases
        assert admin.get('/v1/extensions/vmoves').status == 404
    finally:
        conf.clear_override('policy_file', group='oslo_policy')


def test_keystone_pipeline_rejects_missing_token(conf, database, engine_api,
                                                 nova):
    from keystonemiddleware import auth_token  # noqa: F401 - registers opts

    from masakari.api import appctx
    from masakari.api import loader
    conf.set_override('auth_strategy', 'keystone')
    conf.set_override('www_authenticate_uri', 'http://127.0.0.1:5000/v3',
                      group='keystone_authtoken')
    app = loader.load_app(appctx.AppContext(conf, db=database))
    try:
        resp = fakes.Client(app, headers={}).get('/v1/segments')
    finally:
        conf.clear_override('www_authenticate_uri',
                            group='keystone_authtoken')
    assert resp.fault()[:2] == ('unauthorized', 401)
    assert resp.headers['x-openstack-request-id'].startswith('req-')
    assert 'WWW-Authenticate' in resp.headers
    assert fakes.Client(app, headers={}).get('/').status == 200


def test_policy_sample_is_current(tmp_path):
    import os
    import subprocess
    import sys
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), '..',
                                        '..', '..', '..'))
    tool = os.path.join(os.path.dirname(sys.executable),
                        'oslopolicy-sample-generator')
    out = tmp_path / 'policy.yaml.sample'
    subprocess.run([tool, '--namespace', 'masakari', '--output-file',
                    str(out)], check=True, capture_output=True)
    committed = os.path.join(repo, 'etc', 'masakari', 'policy.yaml.sample')
    with open(committed) as f:
        assert out.read_text() == f.read()


def test_incomplete_keystone_authtoken_is_a_503_not_a_500(
        conf, database, engine_api, nova, caplog):
    """Neither www_authenticate_uri nor an auth plugin: keystonemiddleware
    cannot authenticate anyone. Upstream answered 500 with a traceback."""
    from keystonemiddleware import auth_token  # noqa: F401 - registers opts

    from masakari.api import appctx
    from masakari.api import loader
    conf.set_override('auth_strategy', 'keystone')
    app = loader.load_app(appctx.AppContext(conf, db=database))
    for headers in ({}, {'X-Auth-Token': 'some-token'}):
        resp = fakes.Client(app, headers=headers).get('/v1/segments')
        assert resp.fault() == (
            'serviceUnavailable', 503,
            'Authentication is unavailable: the [keystone_authtoken] '
            'configuration of this service is incomplete.')
    assert 'Traceback' not in caplog.text
    assert 'MissingAuthPlugin' in caplog.text
