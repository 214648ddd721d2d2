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
from masakari import conf as masakari_conf
from masakari.tests.unit.api import fixtures


def _conf(**overrides):
    """A configuration with every masakari option, some overridden."""
    conf = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(conf)
    conf([], project='masakari-test', default_config_files=[])
    for name, value in overrides.items():
        group = None
        if '.' in name:
            group, name = name.split('.')
        conf.set_override(name, value, group=group)
    return conf


def test_make_server_reads_options():
    conf = _conf(masakari_api_listen='127.0.0.1',
                 masakari_api_listen_port=15999, graceful_shutdown_timeout=7)
    srv = server.make_server(conf, lambda e, s: [])
    assert srv.bind_addr == ('127.0.0.1', 15999)
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

    def app(environ, start_response):
        if environ['PATH_INFO'] == '/empty':
            start_response('204 No Content', [])
            return []
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'one', b'two']

    with fixtures.serving(app) as srv:
        conn = http.client.HTTPConnection(*srv.bind_addr[:2], timeout=10)
        for _ in range(2):  # keep-alive: responses stay framed
            conn.request('GET', '/body')
            resp = conn.getresponse()
            assert (resp.status, resp.read()) == (200, b'onetwo')
            conn.request('GET', '/empty')
            resp = conn.getresponse()
            assert (resp.status, resp.read()) == (204, b'')
        conn.close()


def test_signal_during_startup_still_stops_the_server(monkeypatch):
    """A SIGTERM handled before prepare() returns must not be lost:
    cheroot's stop() does nothing on a server that is not ready yet."""
    import threading

    handlers = {}
    monkeypatch.setattr(signal, 'signal',
                        lambda signum, handler: handlers.update(
                            {signum: handler}))

    class FakeServer:
        bind_addr = ('127.0.0.1', 1)

        def __init__(self):
            self.ready = False
            self.stopped = threading.Event()
            self.stop_called = threading.Event()

        def prepare(self):
            handlers[signal.SIGTERM](signal.SIGTERM, None)
            # Give a premature stop() the chance to happen (it must not).
            assert not self.stop_called.wait(0.2)
            self.ready = True

        def serve(self):
            # Serves until a stop() that found the server ready.
            assert self.stopped.wait(10), 'never stopped'

        def stop(self):
            self.stop_called.set()
            if self.ready:
                self.ready = False
                self.stopped.set()

    fake = FakeServer()
    server.serve(fake)
    assert fake.stopped.is_set()


def test_keepalive_requests_beyond_one_batch(monkeypatch):
    import http.client
    import threading

    monkeypatch.setattr(server, 'KEEPALIVE_BATCH', 2)
    served = []

    def app(environ, start_response):
        served.append(threading.get_ident())
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [environ['PATH_INFO'].encode()]

    with fixtures.serving(app) as srv:
        conn = http.client.HTTPConnection(*srv.bind_addr[:2], timeout=10)
        for i in range(5):  # crosses the batch bound twice
            conn.request('GET', f'/{i}')
            resp = conn.getresponse()
            assert (resp.status, resp.read()) == (200, f'/{i}'.encode())
        # A client going away while a worker waits for its next request
        # frees the worker: the next connection is still served.
        conn.close()
        other = http.client.HTTPConnection(*srv.bind_addr[:2], timeout=10)
        other.request('GET', '/again')
        assert other.getresponse().read() == b'/again'
        other.close()
    assert len(served) == 6


def test_next_request_soon_sees_data_or_times_out(monkeypatch):
    monkeypatch.setattr(server, 'KEEPALIVE_LINGER', 0.01)
    left, right = socket.socketpair()
    try:
        class Reader:
            def has_data(self):
                return False

        conn = server._Connection.__new__(server._Connection)
        conn.socket = left
        conn.rfile = Reader()
        assert conn._next_request_soon() is False
        right.sendall(b'GET / HTTP/1.1\r\n')
        assert conn._next_request_soon() is True
        left.close()
        assert conn._next_request_soon() is False  # closed: no request
    finally:
        right.close()


def test_supervisor_does_not_fork_once_stopping(monkeypatch):
    forks = []
    monkeypatch.setattr(server.os, 'fork', lambda: forks.append(1) or 4242)
    sup = server.Supervisor(2, lambda slot: None)
    sup._spawn(1)
    assert sup.children == {4242: sup.children[4242]}
    assert sup.slots == {4242: 1}
    sup.stopping = True
    sup._spawn(0)
    assert len(forks) == 1
    # The stop signals are unblocked again afterwards.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert signal.SIGTERM not in blocked and signal.SIGINT not in blocked


def _served_socket(conf):
    srv = server.make_server(conf, lambda e, s: [], host='127.0.0.1',
                             port=0)
    srv.prepare()
    try:
        return (srv.socket.getsockopt(socket.SOL_SOCKET,
                                      socket.SO_KEEPALIVE),
                srv.socket.getsockopt(socket.IPPROTO_TCP,
                                      socket.TCP_KEEPIDLE))
    finally:
        srv.stop()


def test_tcp_keepidle_on_the_listening_socket():
    assert _served_socket(_conf(**{'wsgi.tcp_keepidle': 42})) == (1, 42)


def test_tcp_keepidle_on_an_inherited_socket():
    sock = server.listen_socket('127.0.0.1', 0)
    try:
        server.set_keepalive(_conf(**{'wsgi.tcp_keepidle': 17}), sock)
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 17
    finally:
        sock.close()


@pytest.mark.parametrize('keep_alive,expected', [
    (True, None), (False, 'close')])
def test_keep_alive_option(keep_alive, expected):
    import http.client

    def app(environ, start_response):
        start_response('200 OK', [('Content-Length', '2')])
        return [b'ok']

    srv = server.make_server(_conf(**{'wsgi.keep_alive': keep_alive}), app,
                             host='127.0.0.1', port=0)
    srv.prepare()
    import threading
    thread = threading.Thread(target=srv.serve, daemon=True)
    thread.start()
    try:
        client = http.client.HTTPConnection(*srv.bind_addr[:2], timeout=5)
        client.request('GET', '/')
        resp = client.getresponse()
        assert resp.read() == b'ok'
        assert resp.getheader('Connection') == expected
        client.close()
    finally:
        srv.stop()
        thread.join(10)
