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

"""libvirt event loop thread and a self-healing event connection.

libvirt delivers domain events only while its default event loop runs;
it is registered once per process (:class:`EventLoop`, owned by the
daemon's context) and iterated by a daemon thread.
:class:`EventConnection` keeps one connection open, re-opens it with
bounded back-off when libvirtd goes away (instead of exiting), and tells
its owner about every (re)connect so it can re-scan domain state.
"""

import threading
from typing import Callable

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

KEEPALIVE_INTERVAL = 5
KEEPALIVE_COUNT = 3
LIVENESS_POLL = 1.0


class EventLoop:
    """libvirt's default event loop, run by one daemon thread.

    libvirt lets a process register its default event implementation only
    once, so a daemon builds one of these and hands it to every
    :class:`EventConnection` it creates (also across SIGHUP restarts).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def ensure_running(self, libvirt) -> None:
        """Register the default implementation and start its thread, once."""
        with self._lock:
            if self._thread is not None:
                return
            libvirt.virEventRegisterDefaultImpl()

            def _run() -> None:
                while True:
                    libvirt.virEventRunDefaultImpl()

            self._thread = threading.Thread(target=_run, daemon=True,
                                            name="libvirt-event-loop")
            self._thread.start()


def _log_libvirt_error(_ctx, error) -> None:
    LOG.warning("libvirt: %s", error[2] if len(error) > 2 else error)


def open_read_only(libvirt, uri: str):
    """Open ``uri`` read-only; credentials must come from libvirt's own
    client configuration (any interactive prompt fails)."""
    def _auth(credentials, _data):
        return 0 if not credentials else -1

    auth = [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_ECHOPROMPT,
             libvirt.VIR_CRED_REALM, libvirt.VIR_CRED_PASSPHRASE,
             libvirt.VIR_CRED_NOECHOPROMPT, libvirt.VIR_CRED_EXTERNAL],
            _auth, None]
    return libvirt.openAuth(uri, auth, libvirt.VIR_CONNECT_RO)


class EventConnection:
    """Keep a libvirt connection with registered callbacks alive.

    ``callbacks`` maps event id to callback; ``on_connect(conn, first)`` is
    called after every successful (re)connection.
    """

    def __init__(self, libvirt, uri: str, callbacks: dict,
                 stop_event: threading.Event, event_loop: EventLoop,
                 on_connect: Callable | None = None,
                 opener: Callable | None = None,
                 backoff_max: float = 10.0) -> None:
        self.libvirt = libvirt
        self.uri = uri
        self.callbacks = callbacks
        self.stop_event = stop_event
        self.event_loop = event_loop
        self.on_connect = on_connect
        self.opener = opener or (lambda: open_read_only(libvirt, uri))
        self.backoff_max = backoff_max
        self.connected = threading.Event()
        self.connections = 0

    def run(self) -> None:
        """Blocking: connect, watch, reconnect until ``stop_event``."""
        self.event_loop.ensure_running(self.libvirt)
        self.libvirt.registerErrorHandler(_log_libvirt_error, None)
        delay = 0.0
        while not self.stop_event.is_set():
            conn = self._open()
            if conn is None:
                self.stop_event.wait(delay)
                delay = min(max(delay * 2, 0.5), self.backoff_max)
                continue
            delay = 0.0
            try:
                self._watch(conn)
            finally:
                self.connected.clear()
                self._close(conn)
            if not self.stop_event.is_set():
                LOG.warning("Lost the libvirt connection to %s; "
                            "reconnecting", self.uri)

    def _open(self):
        try:
            return self.opener()
        except self.libvirt.libvirtError as exc:
            LOG.warning("Cannot connect to libvirt at %s: %s", self.uri, exc)
            return None

    def _watch(self, conn) -> None:
        closed = threading.Event()
        ids = []
        try:
            try:
                conn.registerCloseCallback(lambda *_: closed.set(), None)
            except self.libvirt.libvirtError:
                pass
            for event_id, callback in self.callbacks.items():
                ids.append(conn.domainEventRegisterAny(None, event_id,
                                                       callback, None))
            try:
                conn.setKeepAlive(KEEPALIVE_INTERVAL, KEEPALIVE_COUNT)
            except self.libvirt.libvirtError as exc:
                LOG.debug("Keepalive not supported by %s: %s", self.uri, exc)
            if self.on_connect is not None:
                self.on_connect(conn, self.connections == 0)
            self.connections += 1
            self.connected.set()
            LOG.info("Listening for libvirt events on %s", self.uri)
            while not self.stop_event.is_set():
                if closed.wait(LIVENESS_POLL) or not conn.isAlive():
                    return
        except self.libvirt.libvirtError as exc:
            LOG.warning("libvirt connection error: %s", exc)
        finally:
            for callback_id in ids:
                try:
                    conn.domainEventDeregisterAny(callback_id)
                except Exception:  # connection may already be dead
                    pass
            try:
                conn.unregisterCloseCallback()
            except Exception:
                pass

    def _close(self, conn) -> None:
        try:
            conn.close()
        except Exception:
            pass
