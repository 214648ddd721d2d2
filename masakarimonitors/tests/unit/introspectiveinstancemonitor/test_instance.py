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

import threading

import pytest

from masakarimonitors.introspectiveinstancemonitor import instance

AGENT_XML = (
    "<domain><devices><channel type='unix'><source mode='bind' path='/var/"
    "lib/libvirt/qemu/org.qemu.guest_agent.0.instance-0001.sock'/>"
    "</channel></devices></domain>")
PLAIN_XML = "<domain><devices/></domain>"


class LibvirtError(Exception):
    pass


class FakeDomain:
    def __init__(self, uuid, xml=AGENT_XML, state=1):
        self.uuid, self.xml, self._state = uuid, xml, state

    def UUIDString(self):  # noqa: N802
        return self.uuid

    def state(self):
        return [self._state, 1]

    def XMLDesc(self, flags):  # noqa: N802
        return self.xml


class FakeConn:
    def __init__(self, domains):
        self.domains = domains
        self.alive = True
        self.closed = False

    def listAllDomains(self, flags):  # noqa: N802
        assert flags == 1
        return self.domains

    def isAlive(self):  # noqa: N802
        return self.alive

    def close(self):
        self.closed = True


class FakeLibvirt:
    libvirtError = LibvirtError

    def __init__(self, conns):
        self.conns = list(conns)
        self.opened = []

    def open(self, uri):
        conn = self.conns.pop(0)
        if isinstance(conn, Exception):
            raise conn
        self.opened.append(uri)
        return conn


class FakeNotifier:
    def __init__(self):
        self.sent = []

    def send(self, notification):
        self.sent.append(notification)
        return True


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def build(make_conf):
    managers = []

    def factory(conns, answers, **opts):
        conf = make_conf(DEFAULT={"hostname": "cmp1"},
                         libvirt={"connection_uri": "test:///default"},
                         introspectiveinstancemonitor=opts)
        clock = Clock()
        mgr = instance.IntrospectiveInstanceMonitorManager(
            conf=conf, libvirt_module=FakeLibvirt(conns),
            notifier=FakeNotifier(), clock=clock,
            pinger=lambda dom: answers[dom.UUIDString()])
        mgr.init_host()
        managers.append(mgr)
        return mgr, clock
    yield factory
    for mgr in managers:
        mgr.stop()


def _sent(mgr):
    assert mgr.dispatcher.wait_idle(10)
    return mgr.notifier.sent


def test_failing_guest_reported_after_threshold(build):
    conn = FakeConn([FakeDomain("g1"), FakeDomain("g2"),
                     FakeDomain("plain", PLAIN_XML),
                     FakeDomain("paused", state=3)])
    answers = {"g1": True, "g2": True}
    mgr, clock = build([conn], answers)
    mgr.check_once()
    assert set(mgr.journals) == {"g1", "g2"}
    answers["g1"] = False
    for tick in range(1, 6):
        clock.now = tick * 10
        mgr.check_once()
    [note] = _sent(mgr)
    assert note["type"] == "VM"
    assert note["hostname"] == "cmp1"
    assert note["payload"] == {"event": "QEMU_GUEST_AGENT_ERROR",
                               "instance_uuid": "g1",
                               "vir_domain_event": "STOPPED_FAILED"}
    assert mgr.libvirt.opened == ["test:///default"]   # one connection


def test_never_answering_guest_is_reported(build):
    conn = FakeConn([FakeDomain("silent")])
    mgr, clock = build([conn], {"silent": False},
                       guest_discovery_timeout=60)
    for tick in range(8):
        clock.now = tick * 10
        mgr.check_once()
    assert [n["payload"]["instance_uuid"] for n in _sent(mgr)] == ["silent"]


def test_started_event_resets_journal(build):
    mgr, clock = build([FakeConn([])], {})
    mgr.record("g1", True)
    mgr.record("g1", False)
    assert mgr.journals["g1"].state == "error"
    mgr._on_lifecycle(None, FakeDomain("g1"), 2, 0, None)
    assert mgr.journals["g1"].state == "discovery"
    mgr._on_lifecycle(None, FakeDomain("g1"), 5, 0, None)
    mgr._on_reboot(None, FakeDomain("g1"), None)
    assert mgr.journals["g1"].state == "discovery"


def test_busy_guest_is_skipped_not_the_whole_tick(build):
    conn = FakeConn([FakeDomain("slow"), FakeDomain("fast")])
    mgr, _ = build([conn], {"slow": True, "fast": True})
    lock = mgr._busy.setdefault("slow", threading.Lock())
    lock.acquire()
    mgr.check_once()
    assert set(mgr.journals) == {"fast"}
    lock.release()


def test_gone_guests_are_forgotten(build):
    conn = FakeConn([FakeDomain("g1")])
    mgr, _ = build([conn], {"g1": True})
    mgr.check_once()
    conn.domains = []
    mgr.check_once()
    assert mgr.journals == {}
    assert mgr._busy == {}


def test_reconnects_when_connection_died(build):
    first, second = FakeConn([]), FakeConn([])
    mgr, _ = build([LibvirtError("down"), first, second], {})
    mgr.check_once()                       # cannot connect: no crash
    mgr.check_once()
    first.alive = False
    mgr.check_once()
    assert first.closed
    assert mgr._conn is second


class NoListener:
    def __init__(self, *args, **kwargs):
        self.ran = threading.Event()

    def run(self):
        self.ran.set()


def test_main_loop_ticks_until_stopped(build, monkeypatch):
    monkeypatch.setattr(instance.libvirt_events, "EventConnection",
                        NoListener)
    conn = FakeConn([FakeDomain("g1")])
    mgr, _ = build([conn], {"g1": True}, guest_monitoring_interval=1)
    ticks = []
    original = mgr.check_once

    def check_once():
        ticks.append(1)
        original()
        if len(ticks) == 2:
            mgr.stop_event.set()

    mgr.check_once = check_once
    thread = threading.Thread(target=mgr.main, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert len(ticks) == 2
    assert mgr.listener.ran.is_set()
    assert mgr.journals["g1"].state == "healthy"
