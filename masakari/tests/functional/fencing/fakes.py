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

"""Misbehaving fence devices on 127.0.0.1, for the escalation tests.

* ``silent_tcp``: a listening TCP socket that never accepts: connections
  complete in the kernel, requests are never answered.
* ``silent_udp``: a bound UDP socket that never reads: IPMI packets are
  swallowed.
* ``closed_udp_port``: a UDP port with nothing behind it (the kernel
  answers port unreachable).
* ``UnknownRedfish``: an HTTPS Redfish BMC whose systems' PowerState is
  always "Unknown" (not a Redfish value) or null, and whose resets are
  accepted (204) and ignored.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import socket
import ssl
import threading
from typing import Iterator

from masakari.testing import waits


@contextlib.contextmanager
def silent_tcp() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


@contextlib.contextmanager
def silent_udp() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def closed_udp_port() -> int:
    return waits.free_port(socket.SOCK_DGRAM)


# System path -> the PowerState it always reports (None: JSON null).
SYSTEMS = {"/redfish/v1/Systems/unknown-1": "Unknown",
           "/redfish/v1/Systems/null-1": None}


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "FakeBMC/1.0"

    def log_message(self, *args: object) -> None:
        pass

    def _json(self, status: int, body: dict | None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.rstrip("/")
        if path == "/redfish/v1":
            self._json(200, {
                "@odata.id": "/redfish/v1/",
                "@odata.type": "#ServiceRoot.v1_5_0.ServiceRoot",
                "Id": "RootService", "Name": "Fake BMC",
                "RedfishVersion": "1.5.0",
                "UUID": "00000000-0000-0000-0000-00000000fa4e",
                "Systems": {"@odata.id": "/redfish/v1/Systems"}})
        elif path == "/redfish/v1/Systems":
            self._json(200, {
                "@odata.id": "/redfish/v1/Systems",
                "@odata.type":
                    "#ComputerSystemCollection.ComputerSystemCollection",
                "Name": "Systems",
                "Members": [{"@odata.id": member} for member in SYSTEMS],
                "Members@odata.count": len(SYSTEMS)})
        elif path in SYSTEMS:
            ident = path.rsplit("/", 1)[1]
            self._json(200, {
                "@odata.id": path,
                "@odata.type": "#ComputerSystem.v1_10_0.ComputerSystem",
                "Id": ident, "Name": ident, "PowerState": SYSTEMS[path],
                "Actions": {"#ComputerSystem.Reset": {
                    "target": path + "/Actions/ComputerSystem.Reset",
                    "ResetType@Redfish.AllowableValues": ["On", "ForceOff"],
                }}})
        else:
            self._json(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.rstrip("/").endswith("ComputerSystem.Reset"):
            self.server.resets.append(body.decode(errors="replace"))
            self._json(204, None)
        else:
            self._json(404, {"error": {"message": "not found"}})


class UnknownRedfish:
    """HTTPS on 127.0.0.1:<port>, with the bed's certificate."""

    def __init__(self, cert_path: str, key_path: str) -> None:
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      _Handler)
        self.server.daemon_threads = True
        self.server.resets = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        self.server.socket = context.wrap_socket(self.server.socket,
                                                 server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def resets(self) -> list:
        return self.server.resets

    def __enter__(self) -> "UnknownRedfish":
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)
