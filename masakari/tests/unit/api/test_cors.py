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

"""CORS through the paste pipeline of etc/masakari/api-paste.ini.

The [cors] options are given as oslo.config environment variables
(``OS_CORS__ALLOWED_ORIGIN``...): every ConfigOpts reads them, whether the
filter parses the masakari configuration itself (``oslo_config_project``)
or uses the service's. The tests look only at what a browser sees.
"""

import pytest
import webob

from masakari.api import appctx
from masakari.api import loader
from masakari.common import config
from masakari.tests.unit.api import fakes

DASHBOARD = 'http://dashboard.example'
OTHER_ALLOWED = 'https://other.example:8443'
EVIL = 'http://evil.example'
CORS_ENV = {
    'OS_CORS__ALLOWED_ORIGIN': f'{DASHBOARD},{OTHER_ALLOWED}',
    'OS_CORS__ALLOW_METHODS': 'GET,POST,PUT,DELETE',
    'OS_CORS__ALLOW_HEADERS': 'X-Auth-Token,OpenStack-API-Version',
    'OS_CORS__EXPOSE_HEADERS': 'X-Openstack-Request-Id,OpenStack-API-Version',
    'OS_CORS__MAX_AGE': '600',
    'OS_CORS__ALLOW_CREDENTIALS': 'true',
    # keystonemiddleware needs it to answer a tokenless request with 401
    # (it contacts nobody for that).
    'OS_KEYSTONE_AUTHTOKEN__WWW_AUTHENTICATE_URI': 'http://127.0.0.1:5000/',
}


@pytest.fixture(params=['noauth2', 'keystone'])
def pipeline(request, monkeypatch, conf, database, engine_api, nova):
    for name, value in CORS_ENV.items():
        monkeypatch.setenv(name, value)
    conf.set_override('auth_strategy', request.param)
    return request.param, loader.load_app(appctx.AppContext(conf, db=database))


def send(app, method, path, **headers):
    req = webob.Request.blank(path, method=method)
    req.headers.update(fakes.ADMIN_HEADERS)
    req.headers.update(headers)
    return req.get_response(app)


def cors_headers(resp):
    return {k: v for k, v in resp.headers.items()
            if k.lower().startswith('access-control-')}


def tokens(value):
    return {t.strip().lower() for t in (value or '').split(',') if t.strip()}


@pytest.mark.parametrize('origin', [DASHBOARD, OTHER_ALLOWED])
def test_preflight_from_an_allowed_origin(pipeline, origin):
    _, app = pipeline
    resp = send(app, 'OPTIONS', '/v1/segments', Origin=origin,
                **{'Access-Control-Request-Method': 'POST',
                   'Access-Control-Request-Headers':
                       'X-Auth-Token, OpenStack-API-Version'})
    assert resp.status_int == 200
    assert resp.body == b''
    assert resp.headers['Access-Control-Allow-Origin'] == origin
    assert 'post' in tokens(resp.headers['Access-Control-Allow-Methods'])
    assert tokens(resp.headers['Access-Control-Allow-Headers']) >= {
        'x-auth-token', 'openstack-api-version'}
    assert resp.headers['Access-Control-Max-Age'] == '600'
    assert resp.headers['Access-Control-Allow-Credentials'] == 'true'
    assert 'origin' in tokens(resp.headers['Vary'])


@pytest.mark.parametrize('path', ['/v1/segments', '/v1/segments/abc',
                                  '/v1/notifications', '/v1/nowhere'])
def test_preflight_on_any_v1_path(pipeline, path):
    _, app = pipeline
    resp = send(app, 'OPTIONS', path, Origin=DASHBOARD,
                **{'Access-Control-Request-Method': 'GET'})
    assert resp.status_int == 200
    assert resp.headers['Access-Control-Allow-Origin'] == DASHBOARD


@pytest.mark.parametrize('headers', [
    {'Origin': EVIL, 'Access-Control-Request-Method': 'GET'},
    {'Origin': DASHBOARD + '.evil.example',
     'Access-Control-Request-Method': 'GET'},
    # Not an allowed method or header: no permission either.
    {'Origin': DASHBOARD, 'Access-Control-Request-Method': 'PATCH'},
    {'Origin': DASHBOARD, 'Access-Control-Request-Method': 'GET',
     'Access-Control-Request-Headers': 'X-Evil'},
    # An OPTIONS with an Origin but no requested method is no preflight.
    {'Origin': DASHBOARD},
])
def test_preflight_refused_carries_no_cors_headers(pipeline, headers):
    _, app = pipeline
    resp = send(app, 'OPTIONS', '/v1/segments', **headers)
    assert resp.status_int == 200
    assert cors_headers(resp) == {}


def test_options_without_origin(pipeline):
    """Answered like oslo.middleware's CORS: 200, empty, no CORS headers."""
    _, app = pipeline
    resp = send(app, 'OPTIONS', '/v1/segments')
    assert resp.status_int == 200
    assert resp.body == b''
    assert cors_headers(resp) == {}


def test_simple_request_from_an_allowed_origin(pipeline):
    strategy, app = pipeline
    resp = send(app, 'GET', '/v1/segments', Origin=DASHBOARD)
    # Without a token keystone answers 401, which the browser must be able
    # to read too.
    assert resp.status_int == (200 if strategy == 'noauth2' else 401)
    assert resp.headers['Access-Control-Allow-Origin'] == DASHBOARD
    assert resp.headers['Access-Control-Allow-Credentials'] == 'true'
    assert tokens(resp.headers['Access-Control-Expose-Headers']) == {
        'x-openstack-request-id', 'openstack-api-version'}
    vary = tokens(resp.headers['Vary'])
    assert 'origin' in vary
    if strategy == 'noauth2':
        # The API's own Vary survives.
        assert 'openstack-api-version' in vary
        assert resp.json_body == {'segments': []}


@pytest.mark.parametrize('method,path,status', [
    ('GET', '/v1/nowhere', 404),
    ('GET', '/v1/segments/abc', 404),
    ('POST', '/v1/segments', 400),
])
def test_error_responses_carry_cors_headers(pipeline, method, path, status):
    strategy, app = pipeline
    resp = send(app, method, path, Origin=DASHBOARD)
    if strategy == 'keystone':
        status = 401  # authentication comes before routing
    assert resp.status_int == status
    assert resp.headers['Access-Control-Allow-Origin'] == DASHBOARD


@pytest.mark.parametrize('headers', [{}, {'Origin': EVIL}])
def test_simple_request_without_permission_gets_no_cors_headers(
        pipeline, headers):
    strategy, app = pipeline
    resp = send(app, 'GET', '/v1/segments', **headers)
    assert resp.status_int == (200 if strategy == 'noauth2' else 401)
    assert cors_headers(resp) == {}
    assert 'origin' not in tokens(resp.headers.get('Vary'))


def test_no_cors_without_allowed_origin(monkeypatch, conf, database,
                                        engine_api, nova):
    """CORS is off until an operator names an origin."""
    monkeypatch.delenv('OS_CORS__ALLOWED_ORIGIN', raising=False)
    app = loader.load_app(appctx.AppContext(conf, db=database))
    preflight = send(app, 'OPTIONS', '/v1/segments', Origin=DASHBOARD,
                     **{'Access-Control-Request-Method': 'GET'})
    assert preflight.status_int == 200
    assert cors_headers(preflight) == {}
    simple = send(app, 'GET', '/v1/segments', Origin=DASHBOARD)
    assert simple.status_int == 200
    assert cors_headers(simple) == {}


def test_cors_options_come_from_the_service_config_file(
        tmp_path, database, engine_api, nova):
    """[cors] in the file masakari-api was started with (not only in the
    default locations oslo.middleware would search)."""
    path = tmp_path / 'masakari.conf'
    path.write_text(f'[DEFAULT]\nauth_strategy = noauth2\n'
                    f'[cors]\nallowed_origin = {DASHBOARD}\n')
    conf = config.parse_args(['masakari-api', '--config-file', str(path)])
    try:
        app = loader.load_app(appctx.AppContext(conf, db=database))
        resp = send(app, 'GET', '/v1/segments', Origin=DASHBOARD)
        assert resp.status_int == 200
        assert resp.headers['Access-Control-Allow-Origin'] == DASHBOARD
        assert not cors_headers(send(app, 'GET', '/v1/segments',
                                     Origin='http://elsewhere.example'))
    finally:
        conf.reset()
        conf([], default_config_files=[])
