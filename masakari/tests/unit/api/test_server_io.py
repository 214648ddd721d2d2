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

"""The server's socket reader/writer, alone and under the real server."""

import socket
import threading
from types import SimpleNamespace

import pytest

from masakari.api import server
from masakari.api import server_io
from masakari.tests.unit.api import fixtures


@pytest.fixture
def pair():
    left, right = socket.socketpair()
    left.settimeout(5)
    yield left, right
    left.close()
    right.close()


def test_readline_across_receives_and_limits(pair):
    left, right = pair
    reader = server_io.SocketReader(left)
    right.sendall(b'GET / HT')
    right.sendall(b'TP/1.1\r\nHost: x\r\n\r\nBODY')
    assert reader.readline() == b'GET / HTTP/1.1\r\n'
    assert reader.readline(4) == b'Host'
    assert reader.readline(0) == b''
    assert reader.readline() == b': x\r\n'
    assert reader.readline() == b'\r\n'
    assert reader.has_data()
    assert reader.read(2) == b'BO'
    right.sendall(b'MORE')
    right.shutdown(socket.SHUT_WR)
    assert reader.read(4) == b'DYMO'
    assert reader.read() == b'RE'
    assert reader.readline() == b''
    assert not reader.has_data()
    assert reader.bytes_read == len(
        b'GET / HTTP/1.1\r\nHost: x\r\n\r\nBODYMORE')


def test_read_stops_at_eof_and_iterates_lines(pair):
    left, right = pair
    reader = server_io.SocketReader(left)
    right.sendall(b'a\nb\nc')
    right.shutdown(socket.SHUT_WR)
    assert list(reader) == [b'a\n', b'b\n', b'c']
    assert reader.read(10) == b''


def test_timeouts_propagate_as_from_the_socket(pair):
    left, _ = pair
    left.settimeout(0.01)
    reader = server_io.SocketReader(left)
    with pytest.raises(socket.timeout):
        reader.readline()


def test_close_marks_closed(pair):
    left, right = pair
    reader = server_io.SocketReader(left)
    right.sendall(b'x')
    reader.read(1)
    reader.close()
    assert reader.closed and not reader.has_data()


def test_writer_sends_everything(pair):
    left, right = pair
    writer = server_io.SocketWriter(left)
    payload = b'x' * (1 << 20)
    received = []

    def drain():
        while sum(map(len, received)) < len(payload):
            received.append(right.recv(1 << 16))

    thread = threading.Thread(target=drain)
    thread.start()
    assert writer.write(payload) == len(payload)
    thread.join(10)
    assert b''.join(received) == payload
    assert writer.bytes_written == len(payload)
    with pytest.raises(TypeError):
        writer.write('text')


def test_plain_connections_use_them_tls_keeps_its_files(pair):
    left, _ = pair
    srv = SimpleNamespace(peercreds_enabled=False,
                          peercreds_resolve_enabled=False)
    conn = server._Connection(srv, left)
    assert isinstance(conn.rfile, server_io.SocketReader)
    assert isinstance(conn.wfile, server_io.SocketWriter)
    calls = []

    def adapter_makefile(sock, mode, bufsize):
        calls.append(mode)
        return object()

    conn = server._Connection(srv, left, adapter_makefile)
    assert calls == ['rb', 'wb']


def _echo(environ, start_response):
    length = int(environ.get('CONTENT_LENGTH') or 0)
    chunked = environ.get('HTTP_TRANSFER_ENCODING') == 'chunked'
    body = environ['wsgi.input'].read() if chunked else \
        environ['wsgi.input'].read(length)
    out = b' '.join([environ['REQUEST_METHOD'].encode(),
                     environ['PATH_INFO'].encode(), body])
    start_response('200 OK', [('Content-Type', 'text/plain'),
                              ('Content-Length', str(len(out)))])
    return [out]


def _responses(sock, count):
    """Read ``count`` Content-Length framed responses off ``sock``."""
    reader = server_io.SocketReader(sock)
    bodies = []
    for _ in range(count):
        length = None
        while True:
            line = reader.readline()
            assert line, 'connection closed early'
            if line == b'\r\n':
                break
            name, _, value = line.decode().partition(':')
            if name.lower() == 'content-length':
                length = int(value)
        bodies.append(reader.read(length))
    return bodies


def _exchange(packets, count):
    """Send ``packets`` one by one to a real echo server; ``count``
    response bodies."""
    with fixtures.serving(_echo) as srv, \
            socket.create_connection(srv.bind_addr[:2], timeout=10) as sock:
        for packet in packets:
            sock.sendall(packet)
        return _responses(sock, count)


def test_pipelined_requests_in_one_packet_are_all_answered():
    assert _exchange([b'GET /one HTTP/1.1\r\nHost: x\r\n\r\n'
                      b'POST /two HTTP/1.1\r\nHost: x\r\n'
                      b'Content-Length: 5\r\n\r\nhello'
                      b'GET /three HTTP/1.1\r\nHost: x\r\n\r\n'], 3) == [
        b'GET /one ', b'POST /two hello', b'GET /three ']


def test_chunked_and_slow_bodies():
    assert _exchange([b'POST /c HTTP/1.1\r\nHost: x\r\n'
                      b'Transfer-Encoding: chunked\r\n\r\n'
                      b'3\r\nabc\r\n',
                      b'2\r\nde\r\n0\r\n\r\n',
                      b'POST /s HTTP/1.1\r\nHost: x\r\nContent-Le',
                      b'ngth: 3\r\n\r\nx',
                      b'yz'], 2) == [b'POST /c abcde', b'POST /s xyz']
