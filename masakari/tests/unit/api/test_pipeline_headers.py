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

"""Request ids and proxy headers, through the paste pipeline.

Every /v1 response carries a fresh ``X-Openstack-Request-Id``; a valid
inbound ``req-<uuid>`` becomes the context's global request id (and so
travels to the engine); ``X-Forwarded-*`` rewrite the version document's
links only when ``[oslo_middleware] enable_proxy_headers_parsing`` is on.
"""

import re
import uuid

import pytest
import webob
from oslo_middleware import http_proxy_to_wsgi

from masakari.api import appctx
from masakari.api import loader
from masakari.tests.unit.api import fakes

REQUEST_ID = re.compile(
    r'^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
HEADER = 'X-Openstack-Request-Id'
SEGMENT = {'segment': {'name': 's1', 'service_type': 'COMPUTE',
                       'recovery_method': 'auto'}}


def send(app, method, path, body=None, **headers):
    req = webob.Request.blank(path, method=method)
    req.headers.update(fakes.ADMIN_HEADERS)
    if body is not None:
        req.body = body
        req.headers['Content-Type'] = 'application/json'
    req.headers.update(headers)
    return req, req.get_response(app)


@pytest.fixture
def seg(client):
    return client.post('/v1/segments', SEGMENT).json['segment']['uuid']


@pytest.mark.parametrize('method,path,body,headers,status', [
    ('GET', '/v1', None, {}, 200),
    ('GET', '/v1/segments', None, {}, 200),
    ('POST', '/v1/segments',
     b'{"segment": {"name": "s2", "service_type": "C", '
     b'"recovery_method": "auto"}}', {}, 201),
    ('DELETE', '/v1/segments/{seg}', None, {}, 204),
    ('GET', '/v1/segments', None,
     {'OpenStack-API-Version': 'instance-ha 1.x'}, 400),
    ('GET', '/v1/segments', None,
     {'OpenStack-API-Version': 'instance-ha 9.0'}, 406),
    ('POST', '/v1/segments', b'{}', {}, 400),
    ('POST', '/v1/segments', b'<x/>', {'Content-Type': 'text/xml'}, 415),
    ('GET', '/v1/segments/{seg}/hosts/nope', None, {}, 404),
    ('GET', '/v1/segments/new', None, {}, 405),
    ('POST', '/v1/segments', b'{"segment": {"name": "s1", '
     b'"service_type": "C", "recovery_method": "auto"}}', {}, 409),
    ('POST', '/v1/segments', b'x' * 200000, {}, 413),
    ('GET', '/v1/nowhere', None, {}, 404),
    ('GET', '/v1/segments/', None, {}, 404),
    ('PATCH', '/v1/segments', None, {}, 404),
    ('GET', '/v1/deadbeef/segments', None, {}, 400),
])
def test_every_v1_response_has_a_request_id(app, seg, method, path, body,
                                            headers, status):
    _, resp = send(app, method, path.format(seg=seg), body, **headers)
    assert resp.status_int == status, resp.body[:200]
    assert REQUEST_ID.match(resp.headers[HEADER]), resp.headers


def test_request_ids_are_fresh_per_request(app):
    ids = {send(app, 'GET', '/v1/segments')[1].headers[HEADER]
           for _ in range(5)}
    assert len(ids) == 5


def test_a_valid_inbound_id_becomes_the_global_request_id(app):
    inbound = f'req-{uuid.uuid4()}'
    req, resp = send(app, 'GET', '/v1/segments', **{HEADER: inbound})
    assert resp.status_int == 200
    context = req.environ['masakari.context']
    assert context.global_request_id == inbound
    # The response id is this service's own, not the caller's.
    assert resp.headers[HEADER] != inbound
    assert context.request_id == resp.headers[HEADER]


A_UUID = '3f1c2a9e-8d4b-4c6f-9a7e-2b5d0e1f4c38'


@pytest.mark.parametrize('inbound', [
    'req-not-a-uuid', A_UUID, f'req-{A_UUID}x', f'REQ-{A_UUID}',
    f' req-{A_UUID}', 'req-', f'req-{A_UUID.upper()}'])
def test_an_invalid_inbound_id_is_ignored(app, inbound):
    req, resp = send(app, 'GET', '/v1/segments', **{HEADER: inbound})
    assert resp.status_int == 200
    assert req.environ['masakari.context'].global_request_id is None
    assert REQUEST_ID.match(resp.headers[HEADER])


def test_global_request_id_reaches_the_engine(app, client, engine_api,
                                              monkeypatch):
    seen = []
    real = engine_api.process_notification

    def record(context, notification_uuid):
        seen.append(context.global_request_id)
        return real(context, notification_uuid)

    monkeypatch.setattr(engine_api, 'process_notification', record)
    seg = client.post('/v1/segments', SEGMENT).json['segment']['uuid']
    client.post(f'/v1/segments/{seg}/hosts', {'host': {
        'name': 'host1', 'type': 'COMPUTE', 'control_attributes': 'x'}})
    inbound = f'req-{uuid.uuid4()}'
    _, resp = send(app, 'POST', '/v1/notifications', (
        b'{"notification": {"type": "COMPUTE_HOST", "hostname": "host1", '
        b'"generated_time": "2026-01-01T00:00:00", '
        b'"payload": {"event": "STOPPED"}}}'), **{HEADER: inbound})
    assert resp.status_int == 202, resp.body
    assert seen == [inbound]


# -- http_proxy_to_wsgi --------------------------------------------------------
FORWARDED = {'X-Forwarded-Proto': 'https',
             'X-Forwarded-Host': 'api.example.com:13778'}


def _proxy_app(database, conf, enabled):
    conf.register_opts(http_proxy_to_wsgi.OPTS, group='oslo_middleware')
    if enabled is not None:
        conf.set_override('enable_proxy_headers_parsing', enabled,
                          group='oslo_middleware')
    return loader.load_app(appctx.AppContext(conf, db=database))


@pytest.mark.parametrize('path,key', [('/v1', 'version'),
                                      ('/v1/', 'version'),
                                      ('/', 'versions')])
@pytest.mark.parametrize('enabled,base', [
    (None, 'http://localhost'),
    (False, 'http://localhost'),
    (True, 'https://api.example.com:13778'),
])
def test_forwarded_headers_in_version_links(conf, database, engine_api,
                                            nova, path, key, enabled, base):
    app = _proxy_app(database, conf, enabled)
    _, resp = send(app, 'GET', path, **FORWARDED)
    assert resp.status_int == 200
    doc = resp.json_body[key]
    links = (doc[0] if key == 'versions' else doc)['links']
    assert links[0] == {'rel': 'self', 'href': f'{base}/v1/'}


def test_rfc7239_forwarded_header(conf, database, engine_api, nova):
    app = _proxy_app(database, conf, True)
    _, resp = send(app, 'GET', '/v1',
                   Forwarded='for=192.0.2.1;proto=https;host=api.example.org')
    assert resp.json_body['version']['links'][0]['href'] == \
        'https://api.example.org/v1/'


def test_forwarded_headers_without_parsing_do_not_matter(client):
    plain = client.get('/v1').json
    forwarded = client.get('/v1', headers=FORWARDED).json
    assert plain == forwarded
