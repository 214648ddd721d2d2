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

"""A stand-in masakari API that records notification POSTs."""

from __future__ import annotations

import http.server
import json
import threading


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server naming)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        server = self.server
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None
        with server.cond:
            server.posts.append((self.path, doc))
            server.cond.notify_all()
        status = server.status_for(doc)
        reply = json.dumps({"notification": (doc or {}).get(
            "notification")}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


class FakeAPI(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.posts: list = []
        self.cond = threading.Condition()
        self.status_for = lambda doc: 202
        self._thread = threading.Thread(target=self.serve_forever,
                                        daemon=True)

    @property
    def endpoint(self) -> str:
        return "http://127.0.0.1:%d/v1" % self.server_address[1]

    def start(self) -> FakeAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def notifications(self) -> list[dict]:
        with self.cond:
            return [doc["notification"] for _path, doc in self.posts]

    def wait_for(self, count: int, timeout: float) -> list[dict]:
        with self.cond:
            self.cond.wait_for(lambda: len(self.posts) >= count, timeout)
        return self.notifications()


def client_conf(tmp_path, api: FakeAPI, **host_overrides):
    """A fresh ConfigOpts whose [api] points at ``api`` without Keystone."""
    from keystoneauth1 import loading as ks_loading
    from oslo_config import cfg

    from masakarimonitors.conf import api as api_conf
    from masakarimonitors.tests.unit.hostmonitor import fakes

    path = tmp_path / "masakarimonitors.conf"
    path.write_text("[api]\nauth_type = none\nendpoint = %s\n"
                    % api.endpoint)
    conf = fakes.make_conf(config_file=str(path), **host_overrides)
    conf.register_group(cfg.OptGroup("api"))
    conf.register_opts(api_conf.api_opts, group="api")
    ks_loading.register_session_conf_options(conf, "api")
    ks_loading.register_auth_conf_options(conf, "api")
    return conf


def client_notifier(conf):
    """The notifier a hostmonitor daemon would build for ``conf``."""
    from masakarimonitors.common import notifier

    return notifier.Notifier(conf.host.api_retry_max,
                             conf.host.api_retry_interval, conf)
