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

"""Routing, negotiation, content types, bodies and error envelopes."""

import json

import pytest

from masakari.api import app as v1_app
from masakari.api.middleware import sizelimit

SEGMENT = {'segment': {'name': 's1', 'service_type': 'COMPUTE',
                       'recovery_method': 'auto'}}


def test_version_document_has_version_headers(client):
    resp = client.get('/v1')
    assert resp.status == 200
    assert resp.headers['OpenStack-API-Version'] == 'instance-ha 1.0'
    assert resp.headers['Vary'] == 'OpenStack-API-Version'
    assert resp.headers['Content-Type'] == 'application/json'
    assert resp.headers['x-openstack-request-id'].startswith('req-')
    assert resp.json['version']['version'] == '1.3'


@pytest.mark.parametrize('path,method', [
    ('/v1/segments/', 'GET'),
    ('/v1/foo', 'GET'),
    ('/v1/segments', 'PUT'),
    ('/v1/segments', 'DELETE'),
    ('/v1/segments/abc', 'POST'),
    ('/v1/segments/abc', 'PATCH'),
    ('/v1/segments', 'HEAD'),
    ('/v1/p1/segments', 'GET'),
    ('/v1/abc123', 'GET'),
])
def test_unrouted_is_json_404_without_version_headers(client, path, method):
    resp = client.request(method, path)
    assert resp.status == 404
    if method != 'HEAD':
        assert resp.fault() == ('itemNotFound', 404,
                                'The resource could not be found.')
    assert resp.headers['Content-Type'] == 'application/json; charset=UTF-8'
    assert 'OpenStack-API-Version' not in resp.headers
    assert resp.headers['x-openstack-request-id'].startswith('req-')


@pytest.mark.parametrize('path,method,action', [
    ('/v1/segments/new', 'GET', 'new'),
    ('/v1/segments/abc/edit', 'GET', 'edit'),
    ('/v1/segments/abc/action', 'POST', 'action'),
    ('/v1/notifications/abc/action', 'POST', 'action'),
    ('/v1/notifications/abc', 'PUT', 'update'),
    ('/v1/notifications/abc', 'DELETE', 'delete'),
    ('/v1/notifications/abc/vmoves', 'POST', 'create'),
    ('/v1/notifications/abc/vmoves/x', 'PUT', 'update'),
    ('/v1/notifications/abc/vmoves/x', 'DELETE', 'delete'),
    ('/v1/extensions', 'POST', 'create'),
    ('/v1/versions', 'GET', 'index'),
])
def test_missing_action_is_405(client, path, method, action):
    resp = client.request(method, path)
    assert resp.status == 405
    assert resp.fault() == (
        'badMethod', 405,
        f"The request method: '{method}' with action: '{action}' is not "
        f"allowed on this resource")
    assert resp.headers['OpenStack-API-Version'] == 'instance-ha 1.0'


def test_format_suffix_is_ignored(client):
    assert client.get('/v1/segments.json').json == {'segments': []}
    resp = client.get('/v1/segments.xml')
    assert resp.status == 200
    assert resp.headers['Content-Type'] == 'application/json'


def test_project_prefixed_routes(client):
    resp = client.get('/v1/abc123/segments')
    assert resp.status == 200
    resp = client.post('/v1/abc123/segments', SEGMENT)
    assert resp.status == 201
    uuid = resp.json['segment']['uuid']
    assert client.get(f'/v1/abc123/segments/{uuid}').status == 200


def test_project_mismatch_is_400(client):
    resp = client.get('/v1/fff000/segments')
    assert resp.fault() == (
        'badRequest', 400,
        "Malformed request URL: URL's project_id 'fff000' doesn't match "
        "Context's project_id 'abc123'")


def test_project_missing_in_context(app):
    from masakari.tests.unit.api import fakes
    anon = fakes.Client(app, headers={})
    resp = anon.get('/v1/abc/segments')
    assert resp.fault()[2].endswith("Context's project_id 'None'")


@pytest.mark.parametrize('header,expected', [
    ('instance-ha 1.2', 'instance-ha 1.2'),
    ('INSTANCE-HA 1.1', 'instance-ha 1.1'),
    ('compute 2.1, instance-ha 1.3', 'instance-ha 1.3'),
    ('instance-ha latest', 'instance-ha 1.3'),
    ('instance-ha', 'instance-ha 1.0'),
    ('masakari 1.2', 'instance-ha 1.0'),
])
def test_microversion_header(client, header, expected):
    resp = client.get('/v1/segments',
                      headers={'OpenStack-API-Version': header})
    assert resp.status == 200
    assert resp.headers['OpenStack-API-Version'] == expected


@pytest.mark.parametrize('ver', ['1.02', '01.2', '0.9', '1.2.1', '1.x',
                                 'LATEST'])
def test_microversion_bad_format(client, ver):
    resp = client.get('/v1/segments',
                      headers={'OpenStack-API-Version': f'instance-ha {ver}'})
    assert resp.status == 400
    if ver != '0.9':
        assert resp.fault()[2] == (
            f'API Version String {ver} is of invalid format. Must be of '
            f'format MajorNum.MinorNum.')
    assert 'OpenStack-API-Version' not in resp.headers


@pytest.mark.parametrize('ver', ['1.4', '2.0'])
def test_microversion_unsupported(client, ver):
    resp = client.get('/v1/segments',
                      headers={'OpenStack-API-Version': f'instance-ha {ver}'})
    assert resp.fault() == (
        'masakariFault', 406,
        f'Version {ver} is not supported by the API. Minimum is 1.0 and '
        f'maximum is 1.3.')
    assert 'OpenStack-API-Version' not in resp.headers
    assert resp.headers['Vary'] == 'OpenStack-API-Version'


def test_unsupported_content_type(client):
    resp = client.post('/v1/segments', raw=json.dumps(SEGMENT).encode(),
                       headers={'Content-Type': 'text/xml'})
    assert resp.fault() == ('badMediaType', 415, 'Unsupported Content-Type')


@pytest.mark.parametrize('ctype', ['text/plain', 'application/json',
                                   'application/vnd.openstack.masakari+json'])
def test_lenient_content_types(client, ctype):
    resp = client.post('/v1/segments', raw=json.dumps(SEGMENT).encode(),
                       headers={'Content-Type': ctype})
    assert resp.status == 201


def test_no_content_type_parses_json(client):
    resp = client.post('/v1/segments', raw=json.dumps(SEGMENT).encode())
    assert resp.status == 201


@pytest.mark.parametrize('raw,message', [
    (b'', "None is not of type 'object'"),
    (b'null', "None is not of type 'object'"),
    (b'{not json', 'Malformed request body'),
    (b'\xff\xfe', 'Malformed request body'),
    (b'[1, 2]', "[1, 2] is not of type 'object'"),
])
def test_bad_bodies(client, raw, message):
    resp = client.post('/v1/segments', raw=raw,
                       headers={'Content-Type': 'application/json'})
    assert resp.fault() == ('badRequest', 400, message)


def test_deeply_nested_body_is_400(client):
    raw = b'[' * 100000 + b']' * 100000
    resp = client.post('/v1/segments', raw=raw)
    assert resp.status in (400, 413)
    assert resp.fault()[1] == resp.status


def test_accept_vendor_type(client):
    resp = client.get('/v1/segments', headers={
        'Accept': 'application/vnd.openstack.masakari+json'})
    assert resp.headers['Content-Type'] == \
        'application/vnd.openstack.masakari+json'
    for accept in ('*/*', 'text/html', 'application/json'):
        resp = client.get('/v1/segments', headers={'Accept': accept})
        assert resp.headers['Content-Type'] == 'application/json'


def test_body_too_large_is_json_413(client, conf):
    limit = sizelimit.max_body_size(conf)
    raw = b'{"segment": "' + b'x' * limit + b'"}'
    resp = client.post('/v1/segments', raw=raw)
    assert resp.status == 413
    assert resp.fault() == ('overLimit', 413, 'Request is too large.')


def test_chunked_body_too_large(app_context):
    calls = []

    def inner(environ, start_response):
        calls.append(environ['wsgi.input'].read())
        start_response('200 OK', [])
        return [b'']

    import io

    import webob
    mw = sizelimit.SizeLimit(inner, app_context, limit=10)
    req = webob.Request.blank('/', method='POST')
    req.environ['wsgi.input'] = io.BytesIO(b'x' * 11)
    req.environ['HTTP_TRANSFER_ENCODING'] = 'chunked'
    req.environ.pop('CONTENT_LENGTH', None)
    assert req.get_response(mw).status_int == 413
    req = webob.Request.blank('/', method='POST')
    req.environ['wsgi.input'] = io.BytesIO(b'x' * 10)
    req.environ['HTTP_TRANSFER_ENCODING'] = 'chunked'
    req.environ.pop('CONTENT_LENGTH', None)
    assert req.get_response(mw).status_int == 200
    assert calls == [b'x' * 10]


def test_unexpected_error_is_500_envelope(client, monkeypatch):
    from masakari.api.handlers import segments

    def boom(req):
        raise RuntimeError('kaboom')

    monkeypatch.setattr(segments, 'index', boom)
    resp = client.get('/v1/segments')
    name, code, message = resp.fault()
    assert (name, code) == ('masakariFault', 500)
    assert message.endswith("\n<class 'RuntimeError'>")
    assert resp.headers['OpenStack-API-Version'] == 'instance-ha 1.0'


def test_fault_wrapper_rewrites_foreign_errors(app_context):
    import webob

    from masakari.api.middleware import fault

    def inner(environ, start_response):
        start_response('401 Unauthorized',
                       [('Content-Type', 'text/html'),
                        ('WWW-Authenticate', 'Keystone uri="x"')])
        return [b'<html>nope</html>']

    resp = webob.Request.blank('/v1').get_response(fault.FaultWrapper(inner, app_context))
    assert resp.status_int == 401
    assert json.loads(resp.body) == {'unauthorized': {
        'code': 401,
        'message': 'The request you have made requires authentication.'}}
    assert resp.headers['WWW-Authenticate'] == 'Keystone uri="x"'


def test_fault_wrapper_catches_exceptions(app_context):
    import webob

    from masakari.api.middleware import fault

    def inner(environ, start_response):
        raise ValueError('x')

    resp = webob.Request.blank('/v1').get_response(fault.FaultWrapper(inner, app_context))
    assert resp.status_int == 500
    assert 'masakariFault' in json.loads(resp.body)


def test_delete_returns_empty_204(client):
    uuid = client.post('/v1/segments', SEGMENT).json['segment']['uuid']
    resp = client.delete(f'/v1/segments/{uuid}')
    assert resp.status == 204
    assert resp.body == b''
    assert resp.headers['Content-Length'] == '0'
    assert resp.headers['Content-Type'] == 'application/json'
    assert resp.headers['OpenStack-API-Version'] == 'instance-ha 1.0'


def test_options_answered_by_cors(client):
    resp = client.request('OPTIONS', '/v1/segments')
    assert resp.status == 200


def test_non_ascii_is_escaped(client):
    body = {'segment': dict(SEGMENT['segment'], name='s\u00e9g')}
    resp = client.post('/v1/segments', body)
    assert b'"s\\u00e9g"' in resp.body


def test_v1_application_direct_without_context(app_context):
    import webob
    app = v1_app.V1Application(app_context)
    resp = webob.Request.blank('/versions/v1.0').get_response(app)
    assert resp.status_int == 200


@pytest.mark.parametrize('path', [
    '/v1/segments?type=a%00b', '/v1/segments?%F0%9F%98%80=1',
    '/v1/segments?type=%F0%9F%98%80', '/v1/segments?type=%ff',
])
def test_unstorable_query_is_400(client, path):
    resp = client.get(path)
    assert resp.status == 400
    assert resp.fault()[0] == 'badRequest'


@pytest.mark.parametrize('path', ['/v1/segments/%80', '/v1/segments/a%00',
                                  '/v1/segments/%F0%9F%98%80'])
def test_unstorable_path_is_400(client, path):
    resp = client.get(path)
    assert resp.fault() == ('badRequest', 400, 'Malformed request URL')


def test_database_down_is_503(client, database, monkeypatch):
    from oslo_db import exception as db_exc

    def down(*args, **kwargs):
        raise db_exc.DBConnectionError('gone')

    monkeypatch.setattr(database, 'failover_segment_get_all_by_filters',
                        down)
    resp = client.get('/v1/segments')
    assert resp.fault() == ('serviceUnavailable', 503,
                            'The database is unavailable; please retry '
                            'later.')
