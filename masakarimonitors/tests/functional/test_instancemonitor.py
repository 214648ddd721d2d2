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

"""masakari-instancemonitor against libvirt's test driver and real qemu."""

import os
import signal
import threading

import pytest

from masakarimonitors.tests import conftest
from masakarimonitors.testing import daemon as daemon_mod
from masakarimonitors.testing import helpers
from masakarimonitors.testing import libvirtd as libvirtd_mod

pytestmark = pytest.mark.functional

try:
    import libvirt
except ImportError:  # pragma: no cover - depends on the machine
    libvirt = None


@pytest.fixture
def need_libvirt():
    conftest.require_backend(libvirt is not None, "libvirt-python")


@pytest.fixture
def monitor(need_libvirt, make_conf, fake_api, libvirt_event_loop):
    from masakarimonitors.common import notifier as notifier_mod
    from masakarimonitors.instancemonitor import instance
    conf = make_conf(fake_api.endpoint,
                     DEFAULT={"hostname": "compute-1"},
                     libvirt={"connection_uri": "test:///default"},
                     callback={"retry_max": 0})
    mgr = instance.InstancemonitorManager(
        conf, notifier_mod.Notifier(0, 0, conf),
        event_loop=libvirt_event_loop)
    mgr.init_host()
    thread = threading.Thread(target=mgr.main, daemon=True)
    thread.start()
    helpers.wait_until(lambda: mgr.connection is not None
                       and mgr.connection.connected.is_set(),
                       message="libvirt connection")
    yield mgr
    mgr.stop()
    thread.join(10)
    assert not thread.is_alive()


def _payloads(api, count):
    return [(n["payload"]["event"], n["payload"]["vir_domain_event"])
            for n in api.wait_for(count)]


def test_test_driver_events(monitor, fake_api):
    conn = libvirt.open("test:///default")
    dom = conn.lookupByName("test")
    uuid = dom.UUIDString()
    if not dom.isActive():
        dom.create()
    dom.destroy()                                   # STOPPED_DESTROYED
    dom.create()                                    # STARTED: ignored
    dom.suspend()                                   # PAUSED: ignored
    dom.resume()                                    # RESUMED: ignored
    dom.shutdown()                                  # STOPPED_SHUTDOWN
    dom.create()
    # Sent by a pool of workers: arrival order is not guaranteed.
    assert sorted(_payloads(fake_api, 2)) == [
        ("LIFECYCLE", "STOPPED_DESTROYED"), ("LIFECYCLE", "STOPPED_SHUTDOWN")]
    assert monitor.dispatcher.wait_idle(10)
    note = fake_api.accepted[0]
    assert note["hostname"] == "compute-1"
    assert note["payload"]["instance_uuid"] == uuid
    assert note["type"] == "VM"
    assert len(fake_api.requests) == 2
    conn.close()


def test_test_driver_new_domain(monitor, fake_api):
    conn = libvirt.open("test:///default")
    xml = ("<domain type='test'><name>extra</name><memory>65536</memory>"
           "<os><type>hvm</type></os></domain>")
    dom = conn.createXML(xml, 0)
    dom.destroy()
    [note] = fake_api.wait_for(1)
    assert note["payload"]["instance_uuid"] == dom.UUIDString()
    assert note["payload"]["vir_domain_event"] == "STOPPED_DESTROYED"
    conn.close()


@pytest.fixture
def real_libvirtd(need_libvirt, tmp_path):
    conftest.require_backend(libvirtd_mod.available(),
                             "libvirtd, virtlogd and qemu-system-x86 as root")
    daemon = libvirtd_mod.Libvirtd(str(tmp_path / "libvirt")).start()
    try:
        conn = libvirt.open(daemon.uri)
        yield daemon, conn
    finally:
        daemon.stop(libvirt)


def test_qemu_kill_reaches_api(real_libvirtd, fake_api, tmp_path):
    daemon, conn = real_libvirtd
    conf = daemon_mod.write_conf(tmp_path / "im.conf", {
        "DEFAULT": {"hostname": "compute-1", "state_path": tmp_path / "st"},
        "api": {"auth_type": "none", "endpoint": fake_api.endpoint},
        "libvirt": {"connection_uri": daemon.uri},
    })
    mon = daemon_mod.Daemon("instancemonitor", conf,
                            str(tmp_path / "im.log")).start()
    try:
        mon.wait_for_log("Listening for libvirt events", timeout=60)
        dom, name = daemon.define_and_start(conn)
        os.kill(daemon.qemu_pid(name), signal.SIGKILL)
        [note] = fake_api.wait_for(1, timeout=30)
    finally:
        status = mon.stop()
    assert status == 0, mon.log()[-3000:]
    assert note["type"] == "VM"
    assert note["hostname"] == "compute-1"
    assert note["payload"] == {"event": "LIFECYCLE",
                               "instance_uuid": dom.UUIDString(),
                               "vir_domain_event": "STOPPED_FAILED"}


def test_survives_libvirtd_restart(real_libvirtd, fake_api, tmp_path):
    """libvirtd goes away and comes back: the monitor reconnects and
    reports a domain that died while it was disconnected."""
    daemon, conn = real_libvirtd
    conf = daemon_mod.write_conf(tmp_path / "im.conf", {
        "DEFAULT": {"hostname": "compute-1", "state_path": tmp_path / "st"},
        "api": {"auth_type": "none", "endpoint": fake_api.endpoint},
        "libvirt": {"connection_uri": daemon.uri,
                    "reconnect_interval_max": 1},
    })
    dom, name = daemon.define_and_start(conn)
    uuid = dom.UUIDString()
    mon = daemon_mod.Daemon("instancemonitor", conf,
                            str(tmp_path / "im.log")).start()
    try:
        mon.wait_for_log("Listening for libvirt events", timeout=60)
        libvirtd_proc = daemon.procs[-1]
        libvirtd_proc.send_signal(signal.SIGTERM)
        libvirtd_proc.wait(30)
        mon.wait_for_log("Lost the libvirt connection", timeout=30)
        os.kill(daemon.qemu_pid(name), signal.SIGKILL)
        daemon.procs.pop()
        daemon.start()
        conn = libvirt.open(daemon.uri)
        try:
            [note] = fake_api.wait_for(1, timeout=60)
        except AssertionError as err:
            raise AssertionError(f"{err}\n{mon.log()[-5000:]}") from None
        assert mon.proc.poll() is None
    finally:
        status = mon.stop()
    assert status == 0, mon.log()[-3000:]
    assert note["payload"]["instance_uuid"] == uuid
    assert note["payload"]["vir_domain_event"] == "STOPPED_FAILED"


def test_guest_crashing_while_monitor_is_down(real_libvirtd, fake_api,
                                              tmp_path):
    """Stopped monitor, crashed guest, started monitor: reported."""
    daemon, conn = real_libvirtd
    conf = daemon_mod.write_conf(tmp_path / "im.conf", {
        "DEFAULT": {"hostname": "compute-1", "state_path": tmp_path / "st"},
        "api": {"auth_type": "none", "endpoint": fake_api.endpoint},
        "libvirt": {"connection_uri": daemon.uri},
    })
    dom, name = daemon.define_and_start(conn)
    mon = daemon_mod.Daemon("instancemonitor", conf,
                            str(tmp_path / "im.log")).start()
    mon.wait_for_log("Listening for libvirt events", timeout=60)
    assert mon.stop() == 0
    os.kill(daemon.qemu_pid(name), signal.SIGKILL)
    helpers.wait_until(lambda: not dom.isActive(), message="crash")
    mon = daemon_mod.Daemon("instancemonitor", conf,
                            str(tmp_path / "im2.log")).start()
    try:
        [note] = fake_api.wait_for(1, timeout=60)
    finally:
        status = mon.stop()
    assert status == 0, mon.log()[-3000:]
    assert note["payload"] == {"event": "LIFECYCLE",
                               "instance_uuid": dom.UUIDString(),
                               "vir_domain_event": "STOPPED_FAILED"}
