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

"""The masakari-api HTTP server: cheroot threads in one or more processes.

One worker serves in the current process. Several workers share one
listening socket bound by the parent, which supervises them (respawning a
worker that dies) and forwards SIGTERM/SIGINT. On SIGTERM a worker stops
accepting, finishes in-flight requests (bounded by
``graceful_shutdown_timeout``) and exits.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import socket
import threading
import time
from typing import Any, Callable

from cheroot import makefile as cheroot_makefile
from cheroot import server as cheroot_server
from cheroot import wsgi

from masakari.api import server_io
from masakari.api import tls

LOG = logging.getLogger(__name__)

MIN_THREADS = 8
MAX_THREADS = 128
RESPAWN_BACKOFF = 1.0
# A worker that just answered a keep-alive request waits this long for the
# client's next request before handing the connection back to cheroot's
# selector thread; a sequential client is then served by one thread
# without two thread hand-offs per request.
KEEPALIVE_LINGER = 0.05
# Requests served in a row on one connection before it goes back to the
# selector (fairness towards other connections waiting for a thread).
KEEPALIVE_BATCH = 100


class _CoalescingWriter:
    """Holds the first write of a response and sends it with the next.

    cheroot writes and flushes the status line and headers, then the body:
    two sends, and two wake-ups of the client, for every response.
    """

    def __init__(self, wfile: Any) -> None:
        self.wfile = wfile
        self.held: bytes | None = None
        self.writes = 0

    def write(self, data: bytes) -> int:
        self.writes += 1
        if self.writes == 1:
            self.held = bytes(data)
            return len(data)
        if self.held is not None:
            data, self.held = self.held + bytes(data), None
        return self.wfile.write(data)

    def flush_held(self) -> None:
        if self.held is not None:
            data, self.held = self.held, None
            self.wfile.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wfile, name)


class _Request(cheroot_server.HTTPRequest):
    """An HTTP request whose response head goes out with its body."""

    def respond(self) -> None:
        if not self.server.http_keep_alive:
            # [wsgi] keep_alive = false: one request per connection.
            self.close_connection = True
        real = self.conn.wfile
        writer = _CoalescingWriter(real)
        self.conn.wfile = writer
        try:
            super().respond()
        finally:
            self.conn.wfile = real
            writer.flush_held()


class _Connection(cheroot_server.HTTPConnection):
    RequestHandlerClass = _Request

    def __init__(self, server: Any, sock: socket.socket,
                 makefile: Callable = cheroot_makefile.MakeFile) -> None:
        # Plain TCP gets the C-speed socket files; TLS keeps the adapter's.
        if makefile is cheroot_makefile.MakeFile:
            makefile = server_io.make_file
        super().__init__(server, sock, makefile)

    def communicate(self) -> bool:
        """Serve up to KEEPALIVE_BATCH requests that follow each other
        closely; return whether the connection stays open."""
        keep = False
        for _ in range(KEEPALIVE_BATCH):
            keep = super().communicate()
            if not keep or not self.server.ready or \
                    not self._next_request_soon():
                break
        return keep

    def _next_request_soon(self) -> bool:
        if self.rfile.has_data():
            return True
        pending = getattr(self.socket, 'pending', None)
        if pending is not None and pending():
            return True
        try:
            readable, _, _ = select.select([self.socket], [], [],
                                           KEEPALIVE_LINGER)
        except (OSError, ValueError):
            return False
        return bool(readable)


class _Server(wsgi.Server):
    """A cheroot server that may adopt an already bound socket."""

    ConnectionClass = _Connection
    inherited_socket: socket.socket | None = None

    keepalive_conf: Any = None
    http_keep_alive = True

    def bind(self, family: int, type: int, proto: int = 0) -> socket.socket:
        if self.inherited_socket is None:
            sock = super().bind(family, type, proto)
            if self.keepalive_conf is not None:
                set_keepalive(self.keepalive_conf, sock)
            return sock
        self.socket = self.inherited_socket
        self.bind_addr = self.socket.getsockname()[:2]
        return self.socket


def listen_socket(host: str, port: int, backlog: int = 128
                  ) -> socket.socket:
    """Bind and listen (IPv4/IPv6, SO_REUSEADDR)."""
    info = socket.getaddrinfo(host, port, socket.AF_UNSPEC,
                              socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
    family, socktype, proto, _, addr = info[0]
    sock = socket.socket(family, socktype, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: no Nagle delay on small responses.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(addr)
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def set_keepalive(conf: Any, sock: socket.socket) -> None:
    """TCP keepalive probes after ``[wsgi] tcp_keepidle`` idle seconds, so
    connections of vanished clients are eventually closed; accepted
    connections inherit them from the listening socket."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    if hasattr(socket, 'TCP_KEEPIDLE'):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE,
                        conf.wsgi.tcp_keepidle)


def make_server(conf: Any, app: Callable, sock: socket.socket | None = None,
                host: str | None = None, port: int | None = None) -> _Server:
    """The server for ``app``, configured by ``conf`` (on ``sock`` when
    given, else on ``host``:``port`` or the configured address)."""
    host = host or conf.masakari_api_listen
    port = port if port is not None else conf.masakari_api_listen_port
    pool = conf.wsgi.default_pool_size
    server = _Server((host, port), app,
                     numthreads=min(MIN_THREADS, pool),
                     max=max(MIN_THREADS, min(pool, MAX_THREADS)),
                     request_queue_size=128,
                     timeout=conf.wsgi.client_socket_timeout or None,
                     shutdown_timeout=conf.graceful_shutdown_timeout,
                     server_name='masakari-api')
    server.max_request_header_size = conf.wsgi.max_header_line * 8
    server.inherited_socket = sock
    server.keepalive_conf = conf
    server.http_keep_alive = bool(conf.wsgi.keep_alive)
    if conf.use_ssl:
        server.ssl_adapter = tls.adapter_from_conf(conf)
    return server


def serve(server: _Server, ready: Callable[[tuple], None] | None = None
          ) -> None:
    """Serve until SIGTERM/SIGINT, then drain and return."""
    stopper: list[threading.Thread] = []
    # cheroot's stop() is a no-op before prepare(): a signal arriving while
    # the worker is still starting must wait for it, or the worker would
    # then serve forever.
    prepared = threading.Event()

    def _stop_when_prepared() -> None:
        prepared.wait()
        server.stop()

    def _stop(signum: int, frame: Any) -> None:
        if not stopper:
            LOG.info('Signal %d received, draining', signum)
            thread = threading.Thread(target=_stop_when_prepared,
                                      daemon=True)
            stopper.append(thread)
            thread.start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        server.prepare()
    finally:
        prepared.set()
    LOG.info('masakari-api listening on %s:%s (pid %d)',
             server.bind_addr[0], server.bind_addr[1], os.getpid())
    if ready is not None:
        ready(server.bind_addr)
    try:
        server.serve()
    finally:
        if stopper:
            stopper[0].join()
        else:
            server.stop()


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Supervisor:
    """Forks ``workers`` children serving one shared socket."""

    def __init__(self, workers: int, run_child: Callable[[int], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        """``run_child(slot)``: a worker's body; ``slot`` (0 to workers - 1)
        is its place among the workers, kept by the one respawned for it."""
        self.workers = workers
        self.run_child = run_child
        self.clock = clock
        self.children: dict[int, float] = {}
        self.slots: dict[int, int] = {}
        self.stopping = False

    def _spawn(self, slot: int) -> None:
        # SIGTERM/SIGINT stay blocked from the stopping check until the
        # child is recorded: a signal arriving in between would otherwise
        # miss the new child (or run this supervisor's handler inside it),
        # leaving a worker that nobody stops.
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            if self.stopping:
                return
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                code = 0
                try:
                    for signum in _STOP_SIGNALS:
                        signal.signal(signum, signal.SIG_DFL)
                    signal.pthread_sigmask(signal.SIG_SETMASK, old)
                    self.run_child(slot)
                except BaseException:  # noqa: BLE001
                    LOG.exception('Worker failed')
                    code = 1
                finally:
                    os._exit(code)
            self.children[pid] = self.clock()
            self.slots[pid] = slot
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def _signal_children(self, signum: int) -> None:
        for pid in list(self.children):
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                self.children.pop(pid, None)

    def run(self, timeout: float = 60.0) -> int:
        def _stop(signum: int, frame: Any) -> None:
            self.stopping = True
            self._signal_children(signal.SIGTERM)

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        for slot in range(self.workers):
            self._spawn(slot)
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries
                continue
            started = self.children.pop(pid, None)
            slot = self.slots.pop(pid, 0)
            if self.stopping or started is None:
                continue
            LOG.warning('Worker %d exited (status %d), respawning', pid,
                        status)
            if self.clock() - started < RESPAWN_BACKOFF:
                # Bounded back-off against a crash loop.
                time.sleep(RESPAWN_BACKOFF)
            self._spawn(slot)
        return 0
