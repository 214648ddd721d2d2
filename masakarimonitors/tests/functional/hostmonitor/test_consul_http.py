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

"""The consul driver over HTTP: fake consul agents (one per layer) and the
shared notifier posting to a fake masakari API."""

import http.server
import json
import threading

import pytest

from masakarimonitors.hostmonitor import names
from masakarimonitors.hostmonitor.consul_check import manager
from masakarimonitors.tests.functional.hostmonitor import fake_api

pytestmark = pytest.mark.functional

SERF_ALIVE, SERF_FAILED = 1, 4


class FakeConsul(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, token=None):
        super().__init__(("127.0.0.1", 0), _ConsulHandler)
        self.token = token
        self.members = {}
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.server_address[1]


class _ConsulHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        server = self.server
        if server.token and self.headers.get("X-Consul-Token") != server.token:
            self.send_response(403)
            self.end_headers()
            return
        if self.path != "/v1/agent/members":
            self.send_response(404)
            self.end_headers()
            return
        body = json.dumps([{"Name": n, "Addr": "127.0.0.1", "Status": s}
                           for n, s in server.members.items()]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def agents():
    servers = {"manage": FakeConsul(), "storage": FakeConsul(token="t0k")}
    for server in servers.values():
        server.members = {h: SERF_ALIVE for h in ("node1", "node2", "node3")}
    yield servers
    for server in servers.values():
        server.shutdown()
        server.server_close()


def _driver(tmp_path, api, agents, token):
    conf = fake_api.client_conf(tmp_path, api, api_retry_max=0)
    conf.set_override("agent_manage", agents["manage"].address, "consul")
    conf.set_override("agent_storage", agents["storage"].address, "consul")
    conf.set_override("token", token, "consul")
    return manager.ConsulCheck(conf=conf,
                               notifier=fake_api.client_notifier(conf),
                               self_names=names.SelfNames(["node1"]))


def test_storage_failure_reaches_the_api(tmp_path, api, agents):
    # One token for all agents: the manage agent ignores it.
    drv = _driver(tmp_path, api, agents, "t0k")
    drv.run_cycle()
    agents["storage"].members["node2"] = SERF_FAILED
    drv.run_cycle()
    notes = api.wait_for(1, 30)
    drv.stop()
    assert [(n["hostname"], n["payload"]) for n in notes] == [
        ("node2", {"event": "STOPPED", "cluster_status": "OFFLINE",
                   "host_status": "NORMAL"})]


def test_wrong_token_is_an_error_not_a_failure_report(tmp_path, api,
                                                      agents):
    drv = _driver(tmp_path, api, agents, "wrong")
    with pytest.raises(Exception, match="403"):
        drv.run_cycle()
    assert api.notifications() == []
