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

import socket
import struct
import threading

import pytest

from masakari.engine.fencing import base
from masakari.engine.fencing import config
from masakari.engine.fencing import fencer
from masakari.engine.fencing import kdump
from masakari.testing import waits

# What fence_kdump_send puts in a datagram on a little-endian host: a packed
# struct of two uint32 in host byte order, magic then version.
MESSAGE = struct.pack("<II", 0x1B302A40, 1)


def send(port, data=MESSAGE, source="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((source, 0))
        sock.sendto(data, ("127.0.0.1", port))


def device(**extra):
    return {"driver": "kdump", "addresses": ["127.0.0.1"],
            "listen_address": "127.0.0.1", "port": 0, "timeout": 0.5,
            **extra}


@pytest.fixture
def fence_setup():
    made = []

    def make(*devices):
        f = fencer.Fencer(config.FencingConfig(default=list(devices)))
        made.append(f)
        listener = f.ctx.shared(("fence_kdump", "127.0.0.1", 0),
                                lambda: kdump.Listener("127.0.0.1", 0))
        return f, listener

    yield make
    for f in made:
        f.close()


def wait_seen(listener, address="127.0.0.1"):
    """Poll until the listener noted a message from address (2 s at most)."""
    return waits.poll(lambda: listener.last_seen([address]), 2,
                      interval=0.01)


def test_message_formats():
    assert kdump.is_valid_message(MESSAGE)
    assert kdump.is_valid_message(struct.pack(">II", 0x1B302A40, 1))
    assert not kdump.is_valid_message(struct.pack("<II", 0x1B302A40, 2))
    assert not kdump.is_valid_message(struct.pack("<II", 0x12345678, 1))
    assert not kdump.is_valid_message(MESSAGE[:7])


def test_recent_message_counts_as_off(fence_setup):
    f, listener = fence_setup(device())
    send(listener.port)
    assert wait_seen(listener) is not None
    outcome = f.fence("c1")
    assert outcome.confirmed
    record = outcome.proof
    assert record.driver == "kdump" and record.action == "status"
    assert "fence_kdump message from 127.0.0.1" in record.evidence


def test_message_arriving_before_deadline(fence_setup):
    f, listener = fence_setup(device(timeout=3))
    timer = threading.Timer(0.2, send, args=(listener.port,))
    timer.start()
    try:
        outcome = f.fence("c1")
    finally:
        timer.join()
    assert outcome.confirmed
    assert outcome.proof.seconds < 2.5


def test_no_message_is_timeout(fence_setup):
    f, listener = fence_setup(device(timeout=0.15))
    send(listener.port, data=struct.pack("<II", 0xDEADBEEF, 1))
    outcome = f.fence("c1")
    assert not outcome.confirmed
    assert outcome.records[0].result == base.TIMEOUT
    assert "no fence_kdump message from 127.0.0.1" in \
        outcome.records[0].evidence
    assert listener.last_seen(["127.0.0.1"]) is None


def test_message_from_another_address_does_not_count(fence_setup):
    f, listener = fence_setup(device(timeout=0.15))
    send(listener.port, source="127.0.0.2")
    assert wait_seen(listener, "127.0.0.2") is not None
    assert f.fence("c1").records[0].result == base.TIMEOUT


class TickingClock:
    """Each reading is a hundredth of a second after the previous one."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += 0.01
        return self.now


def test_old_message_does_not_count():
    clock = TickingClock()
    f = fencer.Fencer(config.FencingConfig(
        default=[device(timeout=0.15, max_age=0.05)]), clock=clock)
    try:
        listener = f.ctx.shared(("fence_kdump", "127.0.0.1", 0),
                                lambda: kdump.Listener("127.0.0.1", 0, clock))
        send(listener.port)
        assert wait_seen(listener) is not None
        clock.now += 1.0  # the message is now a second old, max_age 0.05
        assert f.fence("c1").records[0].result == base.TIMEOUT
    finally:
        f.close()


def test_listener_is_shared_and_closed():
    f = fencer.Fencer(config.FencingConfig(default=[device()]))
    driver = kdump.KdumpDriver.from_device(device(), ctx=f.ctx)
    first = driver.listener()
    assert driver.listener() is first
    f.close()
    assert not first._thread.is_alive()


def test_port_in_use_is_error():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as busy:
        busy.bind(("127.0.0.1", 0))
        port = busy.getsockname()[1]
        f = fencer.Fencer(config.FencingConfig(
            default=[device(port=port)]))
        try:
            record = f.fence("c1").records[0]
        finally:
            f.close()
    assert record.result == base.ERROR
    assert "cannot listen" in record.evidence


def test_unresolvable_host_is_error():
    driver = kdump.KdumpDriver.from_device(
        {"driver": "kdump", "port": 0, "listen_address": "127.0.0.1"})
    record = driver.fence("no-such-host.invalid", base.Deadline(0.2))
    assert record.result == base.ERROR


def test_validation():
    with pytest.raises(base.FencingConfigError, match="IP address"):
        kdump.KdumpDriver.from_device({"listen_address": "any"})
    with pytest.raises(base.FencingConfigError, match="list of non-empty"):
        kdump.KdumpDriver.from_device({"addresses": [1]})
