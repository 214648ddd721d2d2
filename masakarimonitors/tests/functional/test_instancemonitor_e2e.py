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

"""kill -9 of a qemu domain -> VM notification stored by a live masakari.

Real pieces: libvirtd + qemu (TCG), masakari-instancemonitor as a process,
masakari API + engine (all-in-one, SQLite, noauth2) as a process, and the
cloud simulator for Keystone (the monitor authenticates with the password
plugin and finds instance-ha in the catalog) and Nova (host lookup).
"""

import json
import os
import signal
import subprocess
import sys
import urllib.request

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

HOST = "compute-e2e"


def _call(endpoint, method, path, body=None):
    request = urllib.request.Request(
        endpoint + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json",
                 "OpenStack-API-Version": "instance-ha 1.3",
                 "X-Project-Id": "e2e", "X-User-Id": "e2e",
                 "X-Roles": "admin"})
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


@pytest.fixture
def cloud():
    try:
        from masakari.testing.cloud import CloudSimulator
    except ImportError as exc:  # pragma: no cover
        pytest.skip(f"cloud simulator unavailable: {exc}")
    sim = CloudSimulator().start()
    try:
        sim.add_host(HOST)
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def masakari(cloud, tmp_path):
    creds = cloud.credentials
    conf = daemon_mod.write_conf(tmp_path / "masakari.conf", {"DEFAULT": {
        "os_privileged_user_auth_url": creds["auth_url"],
        "os_privileged_user_name": creds["username"],
        "os_privileged_user_password": creds["password"],
        "os_privileged_user_tenant": creds["project_name"],
        "os_region_name": "RegionOne",
    }})
    port = helpers.free_port()
    log = open(tmp_path / "masakari.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "masakari.cmd.all_in_one", "--port",
         str(port), "--state-dir", str(tmp_path / "aio"), "--config-file",
         conf], stdout=log, stderr=subprocess.STDOUT, cwd=daemon_mod.ROOT,
        env=dict(os.environ, PYTHONPATH=daemon_mod.ROOT),
        start_new_session=True)
    log.close()
    endpoint = f"http://127.0.0.1:{port}/v1"

    def ready():
        if proc.poll() is not None:
            raise AssertionError((tmp_path / "masakari.log").read_text())
        try:
            _call(endpoint, "GET", "/segments")
            return True
        except OSError:
            return False

    try:
        helpers.wait_until(ready, timeout=120, message="masakari API")
        cloud.add_endpoint("instance-ha", "masakari", endpoint)
        yield endpoint
    finally:
        daemon_mod.terminate(proc)


def test_qemu_kill_reaches_live_masakari(cloud, masakari, tmp_path):
    conftest.require_backend(libvirt is not None, "libvirt-python")
    conftest.require_backend(libvirtd_mod.available(),
                             "libvirtd, virtlogd and qemu-system-x86 as root")
    segment = _call(masakari, "POST", "/segments", {"segment": {
        "name": "e2e", "service_type": "COMPUTE",
        "recovery_method": "auto"}})["segment"]
    _call(masakari, "POST", f"/segments/{segment['uuid']}/hosts", {"host": {
        "name": HOST, "type": "COMPUTE", "control_attributes": "SSH"}})
    creds = cloud.credentials
    lvd = libvirtd_mod.Libvirtd(str(tmp_path / "libvirt")).start()
    mon = None
    try:
        conf = daemon_mod.write_conf(tmp_path / "im.conf", {
            "DEFAULT": {"hostname": HOST, "state_path": tmp_path / "st"},
            "api": dict(creds, auth_type="password", region="RegionOne"),
            "libvirt": {"connection_uri": lvd.uri},
        })
        mon = daemon_mod.Daemon("instancemonitor", conf,
                                str(tmp_path / "im.log")).start()
        mon.wait_for_log("Listening for libvirt events", timeout=60)
        conn = libvirt.open(lvd.uri)
        dom, name = lvd.define_and_start(conn)
        uuid = dom.UUIDString()
        conn.close()
        os.kill(lvd.qemu_pid(name), signal.SIGKILL)
        found = []

        def stored():
            notes = _call(masakari, "GET", "/notifications")["notifications"]
            found[:] = [n for n in notes if n["type"] == "VM"]
            return bool(found)

        helpers.wait_until(stored, timeout=60, interval=0.2,
                           message="VM notification in masakari")
    finally:
        if mon is not None:
            assert mon.stop() == 0, mon.log()[-3000:]
        lvd.stop(libvirt)
    [note] = found
    assert note["source_host_uuid"]
    assert note["payload"] == {"event": "LIFECYCLE", "instance_uuid": uuid,
                               "vir_domain_event": "STOPPED_FAILED"}
