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

import base64
import json
import socket

import pytest

from masakari.engine.fencing import base
from masakari.engine.fencing import redfish
from masakari.tests.unit.engine.fencing import httpfake

SYSTEMS = "/redfish/v1/Systems"


class FakeRedfish:
    """A fake Redfish service: the few resources sushy reads to power a
    system off (ServiceRoot, Systems, ComputerSystem with its Reset).

    ``off_after`` is how many PowerState reads after a ForceOff still say
    On (None: never off); ``state`` is the current PowerState.
    """

    def __init__(self, systems=("sys1",), state="On", off_after=0):
        self.systems = list(systems)
        self.state = state
        self.off_after = off_after
        self.resets = []
        self.reads_after_reset = 0
        self.server = httpfake.FakeHTTPServer(self.handle)

    def handle(self, request):
        path = request.path.rstrip("/")
        if path == "/redfish/v1":
            return 200, {"@odata.id": "/redfish/v1/", "Id": "RootService",
                         "RedfishVersion": "1.6.0",
                         "Systems": {"@odata.id": SYSTEMS}}
        if path == SYSTEMS:
            return 200, {"@odata.id": SYSTEMS, "Members": [
                {"@odata.id": f"{SYSTEMS}/{s}"} for s in self.systems],
                "Members@odata.count": len(self.systems)}
        for s in self.systems:
            if path == f"{SYSTEMS}/{s}":
                if self.resets:
                    self.reads_after_reset += 1
                    if (self.off_after is not None
                            and self.reads_after_reset > self.off_after):
                        self.state = "Off"
                return 200, {
                    "@odata.id": f"{SYSTEMS}/{s}", "Id": s,
                    "PowerState": self.state,
                    "Actions": {"#ComputerSystem.Reset": {
                        "target": f"{SYSTEMS}/{s}/Actions/"
                                  "ComputerSystem.Reset",
                        "ResetType@Redfish.AllowableValues": [
                            "On", "ForceOff", "ForceRestart"]}}}
            if path == f"{SYSTEMS}/{s}/Actions/ComputerSystem.Reset":
                self.resets.append(json.loads(request.body))
                return 204, None
        return 404, {"error": "not found"}


@pytest.fixture
def fake():
    services = []

    def make(**kwargs):
        service = FakeRedfish(**kwargs)
        services.append(service)
        return service

    yield make
    for service in services:
        service.server.stop()


def fence(url, timeout=5.0, **extra):
    device = {"driver": "redfish", "address": url, "username": "admin",
              "password_env": "RF_PW", "poll_interval": 0.02, **extra}
    driver = redfish.RedfishDriver.from_device(device)
    return driver.fence("c1", base.Deadline(timeout))


@pytest.fixture(autouse=True)
def password(monkeypatch):
    monkeypatch.setenv("RF_PW", "rf-secret")


def test_force_off_then_polls_until_off(fake):
    service = fake(off_after=2)
    record = fence(service.server.url)
    assert record.result == base.OFF, record
    assert "after ForceOff (3 polls)" in record.evidence
    assert service.resets == [{"ResetType": "ForceOff"}]
    reset = [r for r in service.server.requests if r.method == "POST"][0]
    auth = reset.headers["Authorization"]
    assert base64.b64decode(auth.split()[1]) == b"admin:rf-secret"
    assert "rf-secret" not in record.describe()


def test_already_off_sends_no_reset(fake):
    service = fake(state="Off")
    record = fence(service.server.url, system_id=f"{SYSTEMS}/sys1")
    assert record.result == base.OFF
    assert "already off" in record.evidence
    assert service.resets == []


def test_never_off_is_timeout(fake):
    service = fake(off_after=None)
    record = fence(service.server.url, timeout=0.15)
    assert record.result == base.TIMEOUT
    assert "still On" in record.evidence
    assert service.resets == [{"ResetType": "ForceOff"}]


@pytest.mark.parametrize("state", [None, "PoweringOff", "Paused"])
def test_unknown_states_are_never_off(fake, state):
    service = fake(state=state, off_after=None)
    record = fence(service.server.url, timeout=0.15)
    assert record.result != base.OFF
    assert service.resets == [{"ResetType": "ForceOff"}]


def test_two_systems_need_system_id(fake):
    service = fake(systems=("a", "b"))
    record = fence(service.server.url)
    assert record.result == base.ERROR
    assert service.resets == []
    record = fence(service.server.url, system_id=f"{SYSTEMS}/b")
    assert record.result == base.OFF


def test_connection_refused_is_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    record = fence(f"http://127.0.0.1:{port}")
    assert record.result == base.ERROR
    assert "Redfish error" in record.evidence


def test_missing_password_env_is_error(fake, monkeypatch):
    monkeypatch.delenv("RF_PW")
    service = fake()
    record = fence(service.server.url)
    assert record.result == base.ERROR
    assert service.server.requests == []


@pytest.mark.parametrize("device, expected", [
    ({"address": "127.0.0.1"}, "must start with http"),
    ({"address": "http://x", "password_env": "P"}, "'username' is required"),
    ({"address": "http://x", "verify": 3}, "CA bundle"),
    ({"address": "http://x", "auth": "digest"}, "one of basic"),
])
def test_device_validation(device, expected):
    with pytest.raises(base.FencingConfigError, match=expected):
        redfish.RedfishDriver.from_device({"driver": "redfish", **device})
