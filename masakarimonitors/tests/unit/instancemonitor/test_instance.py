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

from masakarimonitors.instancemonitor import instance
from masakarimonitors.testing import helpers

UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f"


class FakeDispatcher:
    def __init__(self):
        self.items = []

    def submit(self, key, notification):
        self.items.append((key, notification))
        return True

    def start(self):
        pass

    def stop(self):
        return []


class FakeNotifier:
    def send(self, notification):
        return True


class FakeDomain:
    def __init__(self, uuid, state=(1, 1)):
        self.uuid = uuid
        self._state = state

    def UUIDString(self):  # noqa: N802
        return self.uuid

    def state(self):
        return self._state


class FakeConn:
    def __init__(self, domains):
        self.domains = domains

    def listAllDomains(self, flags):  # noqa: N802
        return self.domains


class FakeLibvirt:
    class libvirtError(Exception):  # noqa: N801
        pass


@pytest.fixture
def mgr(make_conf):
    conf = make_conf(DEFAULT={"hostname": "cmp1"})
    m = instance.InstancemonitorManager(conf=conf,
                                        libvirt_module=FakeLibvirt,
                                        notifier=FakeNotifier())
    m.dispatcher = FakeDispatcher()
    m.RECHECK_DELAYS = ()
    return m


def test_matching_event_builds_vm_notification(mgr):
    assert mgr.handle_event(0, 5, 5, UUID) is True
    [(key, note)] = mgr.dispatcher.items
    assert key == (UUID, "LIFECYCLE", "STOPPED_FAILED")
    assert note["type"] == "VM"
    assert note["hostname"] == "cmp1"
    assert note["payload"] == {"event": "LIFECYCLE", "instance_uuid": UUID,
                               "vir_domain_event": "STOPPED_FAILED"}
    assert note["generated_time"].tzinfo is None


def test_unmatched_event_is_dropped(mgr):
    assert mgr.handle_event(0, 2, 0, UUID) is False
    assert mgr.dispatcher.items == []


def test_empty_hostname_falls_back_to_system_name(make_conf):
    import socket
    conf = make_conf(DEFAULT={"hostname": ""})
    assert instance.hostname(conf) == socket.gethostname()


@pytest.mark.parametrize("event_id, args, expected", [
    (0, (5, 5), (0, 5, 5)),
    (1, (), (1, -1, -1)),
    (3, (2,), (3, 2, -1)),
    (4, ("/dev/sda", "disk0", 2), (4, 2, -1)),
    (6, ("/dev/sda", "disk0", 1, "enospc"), (6, -1, -1)),
    (7, (), (7, -1, -1)),
])
def test_callbacks_translate_arguments(mgr, event_id, args, expected):
    seen = []
    mgr.handle_event = lambda *a: seen.append(a)
    callback = mgr._make_callback(event_id)
    callback(None, FakeDomain(UUID), *args, None)
    assert seen == [expected + (UUID,)]


def test_callback_errors_are_contained(mgr):
    def boom(*_):
        raise RuntimeError("x")
    mgr.handle_event = boom
    mgr._make_callback(0)(None, FakeDomain(UUID), 5, 5, None)


def test_reconnect_reports_domains_that_died_meanwhile(mgr):
    alive, crashed, destroyed, paused = "a" * 8, "c" * 8, "d" * 8, "p" * 8
    gone_before = "g" * 8
    mgr._on_connect(FakeConn([FakeDomain(alive), FakeDomain(crashed),
                              FakeDomain(destroyed), FakeDomain(paused,
                                                                (3, 1)),
                              FakeDomain(gone_before, (5, 3))]), True)
    assert mgr.dispatcher.items == []
    mgr._on_connect(FakeConn([FakeDomain(alive),
                              FakeDomain(crashed, (5, 3)),
                              FakeDomain(destroyed, (5, 2)),
                              FakeDomain(paused, (5, 6)),
                              FakeDomain(gone_before, (5, 3))]), False)
    reported = {key for key, _ in mgr.dispatcher.items}
    assert reported == {(crashed, "LIFECYCLE", "STOPPED_FAILED"),
                        (destroyed, "LIFECYCLE", "STOPPED_DESTROYED"),
                        (paused, "LIFECYCLE", "STOPPED_FAILED")}


def test_events_update_the_running_snapshot(mgr):
    mgr._on_connect(FakeConn([FakeDomain(UUID, (5, 1))]), True)
    mgr.handle_event(0, 2, 0, UUID)         # started while connected
    mgr._on_connect(FakeConn([FakeDomain(UUID, (5, 3))]), False)
    assert [key for key, _ in mgr.dispatcher.items] == [
        (UUID, "LIFECYCLE", "STOPPED_FAILED")]
    mgr.dispatcher.items.clear()
    mgr.handle_event(0, 1, 0, UUID)         # undefined: forgotten
    mgr._on_connect(FakeConn([]), False)
    assert mgr.dispatcher.items == []


def test_start_uses_a_recent_snapshot(make_conf, tmp_path):
    conf = make_conf(DEFAULT={"hostname": "cmp1"})
    first = instance.InstancemonitorManager(
        conf=conf, libvirt_module=FakeLibvirt, notifier=FakeNotifier())
    first.dispatcher = FakeDispatcher()
    first._on_connect(FakeConn([FakeDomain(UUID)]), True)
    # The monitor stops; the guest crashes; a new monitor starts.
    second = instance.InstancemonitorManager(
        conf=conf, libvirt_module=FakeLibvirt, notifier=FakeNotifier())
    second.dispatcher = FakeDispatcher()
    second._on_connect(FakeConn([FakeDomain(UUID, (5, 3))]), True)
    assert [key for key, _ in second.dispatcher.items] == [
        (UUID, "LIFECYCLE", "STOPPED_FAILED")]


def test_snapshot_can_be_disabled(make_conf):
    conf = make_conf(instancemonitor={"snapshot_max_age": 0})
    mgr = instance.InstancemonitorManager(
        conf=conf, libvirt_module=FakeLibvirt, notifier=FakeNotifier())
    mgr.dispatcher = FakeDispatcher()
    assert mgr.snapshot is None
    mgr._on_connect(FakeConn([FakeDomain(UUID, (5, 3))]), True)
    assert mgr.dispatcher.items == []


class ChangingConn:
    """Each listing returns the next list of domains (the last repeats)."""

    def __init__(self, *listings):
        self.listings = list(listings)

    def listAllDomains(self, flags):  # noqa: N802
        if len(self.listings) > 1:
            return self.listings.pop(0)
        return self.listings[0]


def _reconnect_with(mgr, conn):
    mgr.RECHECK_DELAYS = (0.0, 0.0, 0.0)
    mgr._on_connect(FakeConn([FakeDomain(UUID)]), True)
    mgr._on_connect(conn, False)
    if mgr._recheck_thread is not None:
        mgr._recheck_thread.join(10)
        assert not mgr._recheck_thread.is_alive()


def test_recheck_reports_a_guest_libvirt_marks_shut_off_later(mgr):
    """libvirtd restarted: the guest that died meanwhile still shows as
    running at first and is shut off (without an event) a moment later."""
    _reconnect_with(mgr, ChangingConn([FakeDomain(UUID)],
                                      [FakeDomain(UUID)],
                                      [FakeDomain(UUID, (5, 3))]))
    assert [key for key, _ in mgr.dispatcher.items] == [
        (UUID, "LIFECYCLE", "STOPPED_FAILED")]
    assert mgr._running_domains == {UUID: False}


def test_recheck_leaves_what_an_event_reported(mgr):
    conn = ChangingConn([FakeDomain(UUID)], [FakeDomain(UUID, (5, 3))])
    real = conn.listAllDomains

    def listing(flags):
        domains = real(flags)
        if domains[0].state()[0] == 5 and not mgr.dispatcher.items:
            mgr.handle_event(0, 5, 5, UUID)  # the event came first
        return domains
    conn.listAllDomains = listing
    _reconnect_with(mgr, conn)
    assert [key for key, _ in mgr.dispatcher.items] == [
        (UUID, "LIFECYCLE", "STOPPED_FAILED")]


def test_recheck_of_guests_that_keep_running_reports_nothing(mgr):
    conn = ChangingConn([FakeDomain(UUID)])
    _reconnect_with(mgr, conn)
    assert mgr.dispatcher.items == []
    assert mgr._running_domains == {UUID: True}


def test_event_callback_returns_while_the_snapshot_writer_is_blocked(mgr):
    """libvirt's event thread must never wait for the snapshot file."""
    mgr._on_connect(FakeConn([]), True)  # starts the writer
    release = threading.Event()
    writing = threading.Event()
    saved = []
    writers = set()

    def blocked_save(domains):
        writers.add(threading.current_thread())
        writing.set()
        release.wait(30)
        saved.append(domains)

    mgr.snapshot.save = blocked_save
    callback = mgr._make_callback(0)
    try:
        callback(None, FakeDomain(UUID), 2, 0, None)       # started
        assert writing.wait(10), "the writer thread never ran"
        done = threading.Event()

        def crash():
            callback(None, FakeDomain(UUID), 5, 5, None)   # crashed
            done.set()
        event_thread = threading.Thread(target=crash, daemon=True)
        event_thread.start()
        assert done.wait(5), "the callback waited for the snapshot write"
        assert saved == []
        assert threading.current_thread() not in writers
        assert event_thread not in writers
    finally:
        release.set()
    helpers.wait_until(lambda: saved and saved[-1] == {UUID: False},
                       timeout=10, message="the latest states saved")
    mgr.stop()


def test_stop_writes_a_pending_snapshot_request(mgr, tmp_path):
    mgr.handle_event(0, 2, 0, UUID)      # before the first connect
    mgr.stop()
    assert mgr.snapshot.load() == {UUID: True}
