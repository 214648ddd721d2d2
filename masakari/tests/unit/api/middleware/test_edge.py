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

"""The service edge: the access log line and the TLS proxy's scheme."""

import logging
from types import SimpleNamespace

import webob

from masakari.api.middleware import edge
from masakari.common import metrics


def _context(log_format='%(method)s %(path)s %(status_code)s '
                        '%(body_length)s %(wall_seconds).3f '
                        '%(request_id)s', header=None):
    wsgi = SimpleNamespace(wsgi_log_format=log_format,
                           secure_proxy_ssl_header=header)
    return SimpleNamespace(conf=SimpleNamespace(wsgi=wsgi),
                           metrics=metrics.Metrics())


def _app(environ, start_response):
    start_response('201 Created', [('Content-Type', 'text/plain')])
    return [b'hello', b' world', environ['wsgi.url_scheme'].encode()]


def _clock(values):
    it = iter(values)
    return lambda: next(it)


def test_one_access_line_per_request(caplog):
    app = edge.Edge(_app, _context(), clock=_clock([10.0, 10.25]))
    req = webob.Request.blank('/v1/segments?limit=1', method='POST')
    req.environ['openstack.request_id'] = 'req-1'
    with caplog.at_level(logging.INFO, logger='masakari.api.access'):
        resp = req.get_response(app)
        assert resp.body == b'hello worldhttp'
    assert resp.status_int == 201
    lines = [r for r in caplog.records if r.name == 'masakari.api.access']
    assert len(lines) == 1
    assert lines[0].getMessage() == \
        'POST /v1/segments?limit=1 201 15 0.250 req-1'
    assert lines[0].request_id == 'req-1'
    # ... and one count in the API's metrics.
    assert (b'masakari_api_requests_total{method="POST",status="201"} 1.0'
            in app.metrics.exposition())


def test_default_format_is_the_documented_one(caplog):
    from masakari.conf import wsgi as wsgi_conf
    default = next(o.default for o in wsgi_conf.wsgi_opts
                   if o.name == 'wsgi_log_format')
    app = edge.Edge(_app, _context(default), clock=_clock([1.0, 1.5]))
    req = webob.Request.blank('/v1', environ={'REMOTE_ADDR': '10.0.0.9'})
    with caplog.at_level(logging.INFO, logger='masakari.api.access'):
        assert req.get_response(app).body
    assert caplog.records[-1].getMessage() == (
        '10.0.0.9 "GET /v1 HTTP/1.0" status: 201 len: 15 time: 0.5000000')


def test_unusable_format_falls_back_to_the_default_fields(caplog):
    app = edge.Edge(_app, _context('%(nope)s'), clock=_clock([0.0, 1.0]))
    with caplog.at_level(logging.INFO, logger='masakari.api.access'):
        assert webob.Request.blank('/').get_response(app).body
    assert 'status: 201 len: 15' in caplog.records[-1].getMessage()


def test_secure_proxy_ssl_header_sets_the_scheme():
    app = edge.Edge(_app, _context(header='X-Forwarded-Proto'))
    req = webob.Request.blank('/', headers={'X-Forwarded-Proto': 'https'})
    assert req.get_response(app).body.endswith(b'https')
    # Anything else than http/https is ignored.
    req = webob.Request.blank('/', headers={'X-Forwarded-Proto': 'gopher'})
    assert req.get_response(app).body.endswith(b'http')


def test_secure_proxy_ssl_header_unset_ignores_the_header():
    app = edge.Edge(_app, _context())
    req = webob.Request.blank('/', headers={'X-Forwarded-Proto': 'https'})
    assert req.get_response(app).body.endswith(b'http')


def test_environ_key_accepts_both_spellings():
    assert edge.environ_key('X-Forwarded-Proto') == 'HTTP_X_FORWARDED_PROTO'
    assert edge.environ_key('HTTP_X_FORWARDED_PROTO') == \
        'HTTP_X_FORWARDED_PROTO'


def test_loaded_pipeline_logs_requests_and_5xx_causes(client, caplog,
                                                      monkeypatch):
    from masakari.ha import segments

    def boom(*args, **kwargs):
        raise KeyError('lost')

    monkeypatch.setattr(segments, 'list_segments', boom)
    with caplog.at_level(logging.INFO):
        resp = client.get('/v1/segments')
    assert resp.status == 500
    access = [r for r in caplog.records if r.name == 'masakari.api.access']
    assert len(access) == 1
    assert '"GET /v1/segments' in access[0].getMessage()
    assert 'status: 500' in access[0].getMessage()
    assert access[0].request_id.startswith('req-')
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info[0] is KeyError
