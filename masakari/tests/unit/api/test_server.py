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

"""masakari.api.server pieces that do not need a real process."""

import signal
import socket

import pytest
from oslo_config import cfg

from masakari.api import server


def _conf(**overrides):
    conf = cfg.ConfigOpts()
    for name, value in overrides.items():
        group = None
        if '.' in name:
            group, name = name.split('.')
            conf.register_group(cfg.OptGroup(group))
        opt_class = {bool: cfg.BoolOpt, int: cfg.IntOpt}.get(type(value),
                                                         cfg.StrOpt)
        conf.register_opt(opt_class(name, default=value), group=group)
    conf([], project='masakari-test')
    return conf


def test_make_server_reads_options():
    conf = _conf(masakari_api_listen='127.0.0.1', masakari_api_listen_port=0,
                 graceful_shutdown_timeout=7)
    srv = server.make_server(conf, lambda e, s: [])
    assert srv.bind_addr == ('127.0.0.1', 0)
    assert srv.shutdown_timeout == 7
    assert srv.ssl_adapter is None


def test_use_ssl_without_certificate_fails_fast():
    conf = _conf(use_ssl=True)
    with pytest.raises(RuntimeError, match='cert_file'):
        server.make_server(conf, lambda e, s: [], host='127.0.0.1', port=0)


def test_inherited_socket_is_adopted():
    sock = server.listen_socket('127.0.0.1', 0)
    try:
        srv = server.make_server(_conf(), lambda e, s: [], sock=sock,
                                 host='127.0.0.1', port=0)
        assert srv.bind(socket.AF_INET, socket.SOCK_STREAM) is sock
        assert srv.bind_addr == sock.getsockname()
    finally:
        sock.close()


def test_serve_stops_on_sigterm(monkeypatch):
    handlers = {}
    monkeypatch.setattr(signal, 'signal',
                        lambda signum, handler: handlers.update(
                            {signum: handler}))
    events = []

    class FakeServer:
        bind_addr = ('127.0.0.1', 1)
        stopped = False

        def prepare(self):
            events.append('prepare')

        def serve(self):
            handlers[signal.SIGTERM](signal.SIGTERM, None)
            handlers[signal.SIGTERM](signal.SIGTERM, None)
            events.append('served')

        def stop(self):
            events.append('stop')

    ready = []
    server.serve(FakeServer(), ready=ready.append)
    assert ready == [('127.0.0.1', 1)]
    # stop() runs once, in its own thread, and serve() waits for it.
    assert events[0] == 'prepare'
    assert sorted(events[1:]) == ['served', 'stop']


class _Sink:
    def __init__(self):
        self.sends = []
        self.bytes_written = 0

    def write(self, data):
        self.sends.append(bytes(data))
        return len(data)


def test_response_head_goes_out_with_the_body():
    sink = _Sink()
    writer = server._CoalescingWriter(sink)
    writer.write(b'HTTP/1.1 200 OK\r\n\r\n')
    assert sink.sends == []
    writer.write(bytearray(b'{"a": 1}'))
    writer.write(b'more')
    writer.flush_held()
    assert sink.sends == [b'HTTP/1.1 200 OK\r\n\r\n{"a": 1}', b'more']
    assert writer.bytes_written == 0  # other attributes are the real ones


def test_response_without_body_is_sent_at_the_end():
    sink = _Sink()
    writer = server._CoalescingWriter(sink)
    writer.write(b'HTTP/1.1 204 No Content\r\n\r\n')
    writer.flush_held()
    writer.flush_held()
    assert sink.sends == [b'HTTP/1.1 204 No Content\r\n\r\n']


def test_real_server_answers_with_and_without_body():
    import http.client
    import threading

    def app(environ, start_response):
        if environ['PATH_INFO'] == '/empty':
            start_response('204 No Content', [])
            return []
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'one', b'two']

    conf = _conf(masakari_api_listen='127.0.0.1', masakari_api_listen_port=0)
    srv = server.make_server(conf, app)
    srv.prepare()
    thread = threading.Thread(target=srv.serve, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection(*srv.bind_addr[:2], timeout=10)
        for _ in range(2):  # keep-alive: responses stay framed
            conn.request('GET', '/body')
            resp = conn.getresponse()
            assert (resp.status, resp.read()) == (200, b'onetwo')
            conn.request('GET', '/empty')
            resp = conn.getresponse()
            assert (resp.status, resp.read()) == (204, b'')
        conn.close()
    finally:
        srv.stop()
        thread.join(10)
