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

"""A tiny HTTP server on 127.0.0.1 for the fence driver tests.

The test passes a function ``handle(request) -> (status, body)``; a dict
body is sent as JSON. Every request is kept in ``requests`` for asserts.
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import threading
from typing import Any, Callable


@dataclasses.dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FakeHTTPServer:
    """Serves ``handle`` in a background thread until ``stop()``."""

    def __init__(self, handle: Callable[[Request], tuple[int, Any]]) -> None:
        self.handle = handle
        self.requests: list[Request] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(self.command, self.path,
                                  dict(self.headers.items()),
                                  self.rfile.read(length))
                server.requests.append(request)
                status, body = server.handle(request)
                if isinstance(body, (dict, list)):
                    data = json.dumps(body).encode()
                else:
                    data = (body or "").encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _serve

            def log_message(self, *args):
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
            daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
