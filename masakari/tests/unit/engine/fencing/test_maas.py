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

import re
import threading
import urllib.parse

import pytest

from masakari.engine.fencing import base
from masakari.engine.fencing import maas
from masakari.tests.unit.engine.fencing import httpfake

API_KEY = "ck123:tk456:ts789"


def parse_oauth(header):
    assert header.startswith("OAuth ")
    pairs = re.findall(r'(\w+)="([^"]*)"', header)
    return {k: urllib.parse.unquote(v) for k, v in pairs}


class FakeMaas:
    """A fake of the MAAS 2.0 machines endpoints used for fencing:
    machine lookup by hostname, op=power_off and op=query_power_state.

    ``states`` are the answers to successive power state queries after a
    power_off (the last one repeats); ``hang`` makes every request wait.
    """

    def __init__(self, states=("on", "off"), machines=None, hang=False,
                 off_status=200):
        self.states = list(states)
        self.machines = machines if machines is not None else [
            {"hostname": "c1", "system_id": "abc123"}]
        self.hang = threading.Event() if hang else None
        self.off_status = off_status
        self.power_offs = []
        self.server = httpfake.FakeHTTPServer(self.handle)

    def handle(self, request):
        if self.hang is not None:
            self.hang.wait(5)
            return 503, {}
        url = urllib.parse.urlsplit(request.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/MAAS/api/2.0/machines/" and request.method == "GET":
            name = query.get("hostname", [""])[0]
            return 200, [m for m in self.machines if m["hostname"] == name]
        match = re.fullmatch(r"/MAAS/api/2.0/machines/([^/]+)/", url.path)
        if not match:
            return 404, "no such page"
        op = query.get("op", [""])[0]
        if op == "power_off" and request.method == "POST":
            self.power_offs.append(
                (match.group(1), urllib.parse.parse_qs(request.body.decode())))
            if self.off_status != 200:
                return self.off_status, "Power off failed: BMC unreachable"
            return 200, {"system_id": match.group(1)}
        if op == "query_power_state" and request.method == "GET":
            state = self.states.pop(0) if len(self.states) > 1 else \
                self.states[0]
            return 200, {"state": state}
        return 400, "bad op"

    def stop(self):
        if self.hang is not None:
            self.hang.set()
        self.server.stop()


@pytest.fixture
def fake():
    made = []

    def make(**kwargs):
        made.append(FakeMaas(**kwargs))
        return made[-1]

    yield make
    for f in made:
        f.stop()


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv("MAAS_KEY", API_KEY)


def fence(service, timeout=5.0, host="c1", **extra):
    device = {"driver": "maas", "url": service.server.url + "/MAAS/",
              "api_key_env": "MAAS_KEY", "poll_interval": 0.02, **extra}
    return maas.MaasDriver.from_device(device).fence(
        host, base.Deadline(timeout))


def test_power_off_by_hostname_lookup(fake):
    service = fake(states=("on", "on", "off"))
    record = fence(service)
    assert record.result == base.OFF, record
    assert record.evidence.startswith(
        "MAAS power state off after power_off (stop_mode=hard)")
    assert service.power_offs == [("abc123", {"stop_mode": ["hard"]})]
    paths = [r.path for r in service.server.requests]
    assert paths[0] == "/MAAS/api/2.0/machines/?hostname=c1"
    assert paths[1] == "/MAAS/api/2.0/machines/abc123/?op=power_off"
    assert paths[2:] == ["/MAAS/api/2.0/machines/abc123/"
                         "?op=query_power_state"] * 3
    assert API_KEY not in record.describe()


def test_oauth_plaintext_header(fake):
    service = fake(states=("off",))
    fence(service, system_id="xyz")
    nonces = set()
    for request in service.server.requests:
        oauth = parse_oauth(request.headers["Authorization"])
        assert oauth["oauth_version"] == "1.0"
        assert oauth["oauth_signature_method"] == "PLAINTEXT"
        assert oauth["oauth_consumer_key"] == "ck123"
        assert oauth["oauth_token"] == "tk456"
        assert oauth["oauth_signature"] == "&ts789"
        assert oauth["oauth_timestamp"].isdigit()
        nonces.add(oauth["oauth_nonce"])
    assert len(nonces) == len(service.server.requests) == 2
    assert service.power_offs[0][0] == "xyz"


@pytest.mark.parametrize("state", ["unknown", "error", "on"])
def test_states_other_than_off_are_never_off(fake, state):
    service = fake(states=(state,))
    record = fence(service, timeout=0.15)
    assert record.result == base.TIMEOUT
    assert f"still '{state}'" in record.evidence


def test_hanging_maas_is_timeout(fake):
    service = fake(hang=True)
    record = fence(service, timeout=0.15, system_id="abc123")
    assert record.result == base.TIMEOUT
    assert record.seconds < 2


def test_failed_power_off_is_error_unless_off(fake):
    service = fake(states=("on",), off_status=503)
    record = fence(service)
    assert record.result == base.ERROR
    assert "HTTP 503" in record.evidence
    assert "BMC unreachable" in record.evidence
    service = fake(states=("off",), off_status=503)
    assert fence(service).result == base.OFF


@pytest.mark.parametrize("machines", [[], [
    {"hostname": "c1", "system_id": "a"}, {"hostname": "c1", "system_id": "b"}
]])
def test_lookup_needs_exactly_one_machine(fake, machines):
    service = fake(machines=machines)
    record = fence(service)
    assert record.result == base.ERROR
    assert f"{len(machines)} MAAS machines" in record.evidence
    assert service.power_offs == []


def test_machine_name_template(fake):
    service = fake(machines=[{"hostname": "c1-node", "system_id": "n1"}],
                   states=("off",))
    record = fence(service, machine="{host}-node")
    assert record.result == base.OFF
    assert service.power_offs[0][0] == "n1"


def test_bad_api_key_is_error_without_secret(fake, monkeypatch):
    monkeypatch.setenv("MAAS_KEY", "only-one-part-secret")
    service = fake()
    record = fence(service)
    assert record.result == base.ERROR
    assert "consumer_key:token_key:token_secret" in record.evidence
    assert "only-one-part-secret" not in record.evidence
    assert service.server.requests == []


def test_literal_api_key_rejected():
    with pytest.raises(base.FencingConfigError, match="api_key_file"):
        maas.MaasDriver.from_device(
            {"driver": "maas", "url": "http://m", "api_key": API_KEY})
    with pytest.raises(base.FencingConfigError, match="is required"):
        maas.MaasDriver.from_device({"driver": "maas", "url": "http://m"})
