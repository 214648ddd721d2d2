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

"""A tiny stand-in for the masakari API used by the monitor tests.

Threaded HTTP server on 127.0.0.1 recording every
``POST /v1/notifications`` and answering with a configurable status.
"""

import collections
import http.server
import json
import threading
import time


class FakeMasakariAPI:
    """Records notification POSTs; ``statuses`` queue decides answers."""

    def __init__(self, default_status: int = 202, port: int = 0) -> None:
        self.default_status = default_status
        self.statuses: collections.deque = collections.deque()
        self.requests: list = []
        self.accepted: list = []
        self._cond = threading.Condition()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status = api._record(self.path, raw)
                body = json.dumps({"status": status}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                                       Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "FakeMasakariAPI":
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
            self._thread = None
        self._server.server_close()

    def _record(self, path: str, raw: bytes) -> int:
        with self._cond:
            status = (self.statuses.popleft() if self.statuses
                      else self.default_status)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"invalid": raw.decode("utf-8", "replace")}
            self.requests.append((path, body, status))
            if 200 <= status < 300:
                self.accepted.append(body.get("notification"))
            self._cond.notify_all()
            return status

    def wait_for(self, count: int, timeout: float = 30.0,
                 accepted: bool = True) -> list:
        """Wait until ``count`` notifications arrived; return them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                items = (self.accepted if accepted
                         else [b.get("notification")
                               for _, b, _ in self.requests])
                if len(items) >= count:
                    return list(items)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} notifications, got {len(items)}: "
                        f"{items}")
                self._cond.wait(remaining)
