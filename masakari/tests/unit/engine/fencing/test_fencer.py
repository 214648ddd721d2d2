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

import logging

import pytest

from masakari.engine.fencing import base
from masakari.engine.fencing import common
from masakari.engine.fencing import config
from masakari.engine.fencing import fencer


class ManualClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class FakeDriver(common.DriverBase):
    """A fence driver whose behaviour the device dict chooses."""

    calls: list = []

    def __init__(self, device, ctx):
        super().__init__(ctx)
        self.device = device
        self.name = f"fake:{device['id']}"

    @classmethod
    def from_device(cls, device, where="device", ctx=None):
        if device.get("invalid"):
            raise base.FencingConfigError(f"{where}: invalid")
        return cls(device, ctx)

    def fence(self, host, deadline):
        FakeDriver.calls.append((self.device["id"], host, deadline.remaining()))
        started = self.ctx.wall()
        behaviour = self.device["behaviour"]
        if behaviour == "raise":
            self.secrets_seen.append("hunter2")
            raise RuntimeError("BMC said no to hunter2")
        if behaviour == "hang":
            # Advance the injected clock until the deadline expires.
            clock = self.device["clock"]
            for _ in range(1000):
                if deadline.expired():
                    break
                clock.now += 1
            deadline.check()
        if behaviour == "bad-record":
            return "off"
        return self.record(host, behaviour, f"fake said {behaviour}", started)


@pytest.fixture(autouse=True)
def reset_calls():
    FakeDriver.calls = []


def make(devices, clock=None, **kwargs):
    conf = config.FencingConfig(default=devices)
    clock = clock or ManualClock()
    return fencer.Fencer(conf, clock=clock, wall=lambda: 5.0,
                         drivers={"fake": FakeDriver}, **kwargs)


def dev(id, behaviour, **extra):
    return {"driver": "fake", "id": id, "behaviour": behaviour, **extra}


def test_escalation_stops_at_first_off(caplog):
    f = make([dev(1, base.FAILED), dev(2, base.ERROR), dev(3, base.OFF),
              dev(4, base.OFF)])
    with caplog.at_level(logging.INFO, logger=fencer.__name__):
        outcome = f.fence("c1")
    assert outcome.confirmed
    assert [c[0] for c in FakeDriver.calls] == [1, 2, 3]
    assert [r.result for r in outcome.records] == [
        base.FAILED, base.ERROR, base.OFF]
    assert outcome.proof is outcome.records[2]
    assert outcome.proof.driver == "fake:3"
    levels = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert levels[0][0] == "WARNING" and "by fake:1" in levels[0][1]
    assert levels[1][0] == "WARNING"
    assert levels[2] == ("INFO", outcome.proof.describe())


def test_no_proof_when_every_device_fails():
    outcome = make([dev(1, base.FAILED), dev(2, base.TIMEOUT)]).fence("c1")
    assert not outcome.confirmed and outcome.proof is None
    assert len(outcome.records) == 2


def test_no_devices(caplog):
    f = fencer.Fencer.from_file(None)
    assert not f.has_devices("c1")
    with caplog.at_level(logging.WARNING, logger=fencer.__name__):
        outcome = f.fence("c1")
    assert outcome == fencer.FenceOutcome(confirmed=False, records=[])
    assert "No fence device" in caplog.text
    assert not fencer.Fencer.from_file("").has_devices("c1")


def test_from_file(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("default: [{driver: ipmi, address: x, password_env: P}]")
    assert fencer.Fencer.from_file(str(path)).has_devices("any")
    path.write_text("default: [{driver: nope}]")
    with pytest.raises(base.FencingConfigError):
        fencer.Fencer.from_file(str(path))


def test_each_device_gets_its_own_timeout():
    clock = ManualClock()
    f = make([dev(1, "hang", clock=clock, timeout=7),
              dev(2, base.OFF, timeout=3), ], clock=clock)
    start = clock.now
    outcome = f.fence("c1")
    assert [r.result for r in outcome.records] == [base.TIMEOUT, base.OFF]
    assert clock.now - start == 7
    assert FakeDriver.calls[0][2] == 7 and FakeDriver.calls[1][2] == 3


def test_default_timeout_is_60_seconds():
    make([dev(1, base.OFF)]).fence("c1")
    assert FakeDriver.calls[0][2] == 60


def test_raising_driver_becomes_error_record_without_secret():
    outcome = make([dev(1, "raise"), dev(2, base.OFF)]).fence("c1")
    first = outcome.records[0]
    assert first.result == base.ERROR
    assert first.driver == "fake:1"
    assert "RuntimeError" in first.evidence
    assert "hunter2" not in first.evidence
    assert outcome.confirmed


def test_invalid_device_and_bad_record_become_errors():
    outcome = make([dev(1, base.OFF, invalid=True), dev(2, "bad-record"),
                    {"driver": "missing"}]).fence("c1")
    assert [r.result for r in outcome.records] == [base.ERROR] * 3
    assert "invalid" in outcome.records[0].evidence
    assert "unknown driver 'missing'" in outcome.records[2].evidence
    assert not outcome.confirmed


def test_cancel_stops_further_devices():
    state = {"n": 0}

    def cancelled():
        state["n"] += 1
        return len(FakeDriver.calls) >= 1

    outcome = make([dev(1, base.FAILED), dev(2, base.OFF)]).fence(
        "c1", cancelled=cancelled)
    assert [c[0] for c in FakeDriver.calls] == [1]
    assert not outcome.confirmed and len(outcome.records) == 1


def test_cancel_expires_the_running_attempt():
    clock = ManualClock()
    outcome = make([dev(1, "hang", clock=clock)], clock=clock).fence(
        "c1", cancelled=lambda: clock.now > 1002)
    assert outcome.records[0].result == base.TIMEOUT
    assert clock.now == 1003


def test_close_closes_shared_objects():
    f = make([])
    closed = []

    class Thing:
        def close(self):
            closed.append(True)

    assert f.ctx.shared("k", Thing) is f.ctx.shared("k", Thing)
    f.close()
    assert closed == [True]
    f.close()
    assert closed == [True]
