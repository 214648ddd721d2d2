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

"""Fencing by fence_kdump: a host whose crash kernel announces itself is
not running its workloads any more, so it counts as off.

fence_kdump_send, run from the crash kernel's initramfs, sends UDP
datagrams (port 7410 by default) of 8 bytes: the magic number 0x1B302A40
and the message version 1, two 32-bit unsigned integers in the sender's
byte order (little-endian on x86 and most arm64 hosts; both orders are
accepted). A listener thread per address and port, shared by the devices
of one Fencer, notes when each source address last sent a valid message.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import struct
import threading
import time
from typing import Any, Callable, Iterable

from masakari.engine.fencing import base
from masakari.engine.fencing import common

LOG = logging.getLogger(__name__)

MAGIC = 0x1B302A40
VERSION = 1
DEFAULT_PORT = 7410
_VALID = {
    struct.pack("<II", MAGIC, VERSION),
    struct.pack(">II", MAGIC, VERSION),
}


def is_valid_message(data: bytes) -> bool:
    """Whether a datagram is a version 1 fence_kdump message."""
    return len(data) >= 8 and data[:8] in _VALID


def _normalise(address: str) -> str:
    """An IP address in canonical form (IPv4-mapped IPv6 as IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    mapped = getattr(ip, "ipv4_mapped", None)
    return str(mapped or ip)


class Listener:
    """Receives fence_kdump messages on one address and port."""

    def __init__(
        self,
        address: str = "0.0.0.0",
        port: int = DEFAULT_PORT,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._clock = clock or time.monotonic
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._sock.bind((address, port))
        except OSError:
            self._sock.close()
            raise
        self._sock.settimeout(0.2)
        self.address = address
        self.port = self._sock.getsockname()[1]
        self._seen: dict[str, float] = {}
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"fence-kdump-{self.port}", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self._sock.recvfrom(64)
            except TimeoutError:
                continue
            except OSError:
                if self._stop.is_set():
                    return
                continue
            if not is_valid_message(data):
                LOG.debug("Ignored a datagram from %s: not fence_kdump",
                          peer[0])
                continue
            with self._cond:
                self._seen[_normalise(peer[0])] = self._clock()
                self._cond.notify_all()

    def last_seen(self, addresses: Iterable[str]) -> tuple[str, float] | None:
        """The latest (address, clock time) of a message from addresses."""
        with self._cond:
            return self._latest([_normalise(a) for a in addresses])

    def _latest(self, addresses: list[str]) -> tuple[str, float] | None:
        seen = [(self._seen[a], a) for a in addresses if a in self._seen]
        if not seen:
            return None
        when, address = max(seen)
        return address, when

    def wait(
        self, addresses: list[str], since: float, deadline: base.Deadline
    ) -> tuple[str, float] | None:
        """The first message from addresses not older than ``since``,
        waiting for one until the deadline; None if none came."""
        wanted = [_normalise(a) for a in addresses]
        with self._cond:
            while True:
                found = self._latest(wanted)
                if found is not None and found[1] >= since:
                    return found
                if deadline.expired() or self._stop.is_set():
                    return None
                self._cond.wait(timeout=min(0.2, deadline.remaining()))

    def close(self) -> None:
        """Stop the thread and close the socket."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        try:
            # Wakes a blocked recvfrom at once (Linux) instead of at the
            # next socket timeout.
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._thread.join(timeout=5)
        self._sock.close()


class KdumpDriver(common.DriverBase):
    """Counts a host as off if its crash kernel sent fence_kdump."""

    name = "kdump"
    action = "status"

    def __init__(
        self,
        addresses: list[str] | None = None,
        listen_address: str = "0.0.0.0",
        port: int = DEFAULT_PORT,
        max_age: float = 60.0,
        ctx: common.Context | None = None,
    ) -> None:
        super().__init__(ctx)
        self.addresses = addresses
        self.listen_address = listen_address
        self.port = port
        self.max_age = max_age

    @classmethod
    def read_options(cls, spec: common.DeviceSpec) -> dict[str, Any]:
        options = {
            "addresses": spec.strings("addresses", None),
            "listen_address": spec.string("listen_address", "0.0.0.0"),
            "port": spec.integer("port", DEFAULT_PORT, 0, 65535),
            "max_age": spec.number("max_age", 60.0),
        }
        try:
            ipaddress.ip_address(options["listen_address"])
        except ValueError:
            raise spec.error("listen_address", "must be an IP address")
        return options

    def listener(self) -> Listener:
        """The Fencer's shared listener for this address and port."""
        key = ("fence_kdump", self.listen_address, self.port)
        return self.ctx.shared(
            key,
            lambda: Listener(self.listen_address, self.port, self.ctx.clock),
        )

    def _addresses(self, host: str) -> list[str]:
        if self.addresses:
            names = [a.replace("{host}", host) for a in self.addresses]
        else:
            names = [host]
        found: list[str] = []
        for name in names:
            try:
                infos = socket.getaddrinfo(name, None, type=socket.SOCK_DGRAM)
            except OSError:
                continue
            for info in infos:
                address = _normalise(str(info[4][0]))
                if address not in found:
                    found.append(address)
        return found

    def fence(self, host: str, deadline: base.Deadline) -> base.FenceRecord:
        started = self.ctx.wall()
        addresses = self._addresses(host)
        if not addresses:
            return self.record(
                host, base.ERROR,
                f"cannot resolve {self.addresses or host} to an address",
                started,
            )
        try:
            listener = self.listener()
        except OSError as exc:
            return self.record(
                host, base.ERROR,
                f"cannot listen on {self.listen_address}:{self.port}: "
                f"{exc.strerror}",
                started,
            )
        since = self.ctx.clock() - self.max_age
        found = listener.wait(addresses, since, deadline)
        shown = ", ".join(addresses)
        if found is None:
            return self.record(
                host, base.TIMEOUT,
                f"no fence_kdump message from {shown} on port "
                f"{listener.port}",
                started,
            )
        address, when = found
        age = max(0.0, self.ctx.clock() - when)
        return self.record(
            host, base.OFF,
            f"fence_kdump message from {address} {age:.1f}s ago: the host "
            "is in its crash kernel",
            started,
        )
