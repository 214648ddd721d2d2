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

"""A threaded WSGI server on 127.0.0.1 that can drop connections on demand.

wsgiref plus ThreadingMixIn: one native thread per connection, no eventlet.
The request handler puts a ``drop`` callback in the environ; an app calls it
to close the socket without answering (an injected timeout).
"""

from __future__ import annotations

import socket
import socketserver
import threading
from wsgiref import simple_server

from masakari.testing.cloud.http import DROP_KEY

_DROPPED = 'masakari.sim.dropped'


class _ServerHandler(simple_server.ServerHandler):
    def handle_error(self) -> None:
        if self.environ.get(_DROPPED):
            return                 # nothing to say on a closed socket
        super().handle_error()


class _RequestHandler(simple_server.WSGIRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002
        pass                       # the journal records every request

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def handle(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        environ = self.get_environ()
        environ[DROP_KEY] = lambda: (environ.__setitem__(_DROPPED, True),
                                     self._drop())
        handler = _ServerHandler(self.rfile, self.wfile, self.get_stderr(),
                                 environ, multithread=True)
        handler.request_handler = self
        try:
            handler.run(self.server.get_app())
        except Exception:
            if not environ.get(_DROPPED):
                raise


class ThreadingWSGIServer(socketserver.ThreadingMixIn,
                          simple_server.WSGIServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = True

    def server_bind(self) -> None:
        # skip HTTPServer's reverse DNS lookup (getfqdn) of the address
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = host, port
        self.setup_environ()


class BackgroundServer:
    """Serve a WSGI app from a daemon thread; ``stop`` is bounded."""

    def __init__(self, app, host: str = '127.0.0.1', port: int = 0) -> None:
        self.httpd = ThreadingWSGIServer((host, port), _RequestHandler)
        self.httpd.set_app(app)
        self.host, self.port = self.httpd.server_address[:2]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={'poll_interval': 0.1},
            name='cloud-simulator-%d' % self.port, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread.is_alive():
            self.httpd.shutdown()
            self._thread.join(timeout)
        self.httpd.server_close()
