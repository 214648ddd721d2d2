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

"""A private libvirtd (+ virtlogd) for tests with real qemu domains.

Started without systemd, as root, with its own socket directory and pid
files; only the processes started here are stopped afterwards. Domains get
unique names and are undefined on exit.
"""

import os
import shutil
import signal
import subprocess
import time
import uuid

QEMU_BINARY = "qemu-system-x86_64"

DOMAIN_XML = """<domain type='qemu'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <serial type='null'/>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>"""


def available() -> bool:
    return (os.geteuid() == 0 and shutil.which("libvirtd") is not None
            and shutil.which("virtlogd") is not None
            and shutil.which(QEMU_BINARY) is not None)


class Libvirtd:
    def __init__(self, workdir: str) -> None:
        self.dir = workdir
        self.sock_dir = os.path.join(workdir, "sock")
        self.procs: list = []
        self.domains: list = []

    @property
    def uri(self) -> str:
        return ("qemu:///system?socket="
                + os.path.join(self.sock_dir, "libvirt-sock"))

    def start(self, timeout: float = 60.0) -> "Libvirtd":
        os.makedirs(self.sock_dir, exist_ok=True)
        conf = os.path.join(self.dir, "libvirtd.conf")
        with open(conf, "w") as handle:
            handle.write(f'unix_sock_dir = "{self.sock_dir}"\n'
                         'auth_unix_ro = "none"\nauth_unix_rw = "none"\n')
        log = open(os.path.join(self.dir, "libvirtd.log"), "ab")
        if not os.path.exists("/run/libvirt/virtlogd-sock"):
            self.procs.append(subprocess.Popen(
                ["virtlogd", "-p", os.path.join(self.dir, "virtlogd.pid")],
                stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True))
            _wait_for_path("/run/libvirt/virtlogd-sock", timeout)
        self.procs.append(subprocess.Popen(
            ["libvirtd", "-f", conf, "-p",
             os.path.join(self.dir, "libvirtd.pid")],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        log.close()
        _wait_for_path(os.path.join(self.sock_dir, "libvirt-sock"), timeout)
        return self

    def define_and_start(self, conn) -> tuple:
        """Create a tiny running domain; return (domain, name)."""
        name = f"mtest-{uuid.uuid4().hex[:10]}"
        dom = conn.defineXML(DOMAIN_XML.format(name=name,
                                               uuid=uuid.uuid4()))
        self.domains.append(name)
        dom.create()
        return dom, name

    @staticmethod
    def qemu_pid(name: str, timeout: float = 30.0) -> int:
        path = f"/run/libvirt/qemu/{name}.pid"
        _wait_for_path(path, timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = open(path).read().strip()
            if text:
                return int(text)
            time.sleep(0.05)
        raise AssertionError(f"no pid in {path}")

    def stop(self, libvirt=None) -> None:
        """Remove our domains (fresh connection), stop what we started."""
        conn = None
        if libvirt is not None and self.procs:
            try:
                conn = libvirt.open(self.uri)
            except libvirt.libvirtError:
                conn = None
        if conn is not None:
            for name in self.domains:
                try:
                    dom = conn.lookupByName(name)
                    if dom.isActive():
                        dom.destroy()
                    dom.undefine()
                except Exception:
                    pass
            conn.close()
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
        self.procs = []


def _wait_for_path(path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear")
        time.sleep(0.05)
