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

"""The kubernetes driver over HTTP: a fake API server checking the bearer
token, a kubeconfig file, and the shared notifier posting to a fake
masakari API."""

import http.server
import json
import threading
import urllib.parse

import pytest
import yaml

from masakarimonitors.hostmonitor import names
from masakarimonitors.hostmonitor.kubernetes import client
from masakarimonitors.hostmonitor.kubernetes import manager
from masakarimonitors.tests.functional.hostmonitor import fake_api

pytestmark = pytest.mark.functional

TOKEN = "s3rvice-account-t0ken"


class FakeKube(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _KubeHandler)
        self.ready = {}
        self.selectors = []
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _KubeHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        server = self.server
        url = urllib.parse.urlsplit(self.path)
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self._reply(401, {"kind": "Status", "code": 401})
        if url.path != "/api/v1/nodes":
            return self._reply(404, {"kind": "Status", "code": 404})
        server.selectors.append(
            urllib.parse.parse_qs(url.query).get("labelSelector"))
        items = [{"metadata": {"name": n}, "status": {"conditions": [
            {"type": "Ready", "status": s}]}} for n, s in server.ready.items()]
        self._reply(200, {"kind": "NodeList", "items": items})

    def _reply(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def kube():
    server = FakeKube()
    server.ready = {"node1": "True", "node2": "True", "node3": "True"}
    yield server
    server.shutdown()
    server.server_close()


def _kubeconfig(tmp_path, kube, token):
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump({
        "current-context": "t",
        "contexts": [{"name": "t", "context": {"cluster": "c",
                                               "user": "u"}}],
        "clusters": [{"name": "c", "cluster": {
            "server": "http://127.0.0.1:%d" % kube.server_address[1]}}],
        "users": [{"name": "u", "user": {"token": token}}]}))
    return str(path)


def _driver(tmp_path, api, kube, token=TOKEN):
    conf = fake_api.client_conf(tmp_path, api, api_retry_max=0)
    conf.set_override("kubeconfig", _kubeconfig(tmp_path, kube, token),
                      "kubernetes")
    conf.set_override("monitoring_node_labels", "masakari=on", "kubernetes")
    return manager.KubernetesCheck(conf=conf,
                                   notifier=fake_api.client_notifier(conf),
                                   self_names=names.SelfNames(["node1"]))


def test_not_ready_node_reaches_the_api(tmp_path, api, kube):
    drv = _driver(tmp_path, api, kube)
    drv.run_cycle()
    kube.ready["node3"] = "Unknown"
    drv.run_cycle()
    notes = api.wait_for(1, 30)
    drv.stop()
    assert [(n["hostname"], n["payload"]) for n in notes] == [
        ("node3", {"event": "STOPPED", "cluster_status": "OFFLINE",
                   "host_status": "NORMAL"})]
    assert kube.selectors[0] == ["masakari=on"]


def test_rejected_token_is_an_error_not_a_report(tmp_path, api, kube):
    drv = _driver(tmp_path, api, kube, token="wrong")
    with pytest.raises(client.APIError, match="401"):
        drv.run_cycle()
    assert api.notifications() == []
