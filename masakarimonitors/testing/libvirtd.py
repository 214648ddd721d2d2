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

import fcntl
import grp
import os
import shutil
import subprocess
import time
import uuid

from masakarimonitors.testing import daemon as daemon_mod

QEMU_BINARY = "qemu-system-x86_64"
LOCK_PATH = "/run/lock/masakari-test-libvirtd.lock"

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


_NO_KVM_SCRIPT = """set -e
D="$1"; shift
mkdir -p "$D"
mount -t tmpfs -o mode=755 tmpfs "$D"
for f in /dev/* /dev/.[!.]*; do
  [ -e "$f" ] || [ -L "$f" ] || continue
  n=$(basename "$f")
  [ "$n" = kvm ] && continue
  if [ -L "$f" ]; then cp -P "$f" "$D/$n"
  elif [ -d "$f" ]; then mkdir "$D/$n"; mount --rbind "$f" "$D/$n"
  else touch "$D/$n"; mount --bind "$f" "$D/$n"; fi
done
mount --move "$D" /dev
exec "$@"
"""


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
        self._lock_fd: int | None = None

    @property
    def uri(self) -> str:
        return ("qemu:///system?socket="
                + os.path.join(self.sock_dir, "libvirt-sock"))

    def start(self, timeout: float = 60.0) -> "Libvirtd":
        self._lock(timeout * 5)
        os.makedirs(self.sock_dir, exist_ok=True)
        conf = os.path.join(self.dir, "libvirtd.conf")
        with open(conf, "w") as handle:
            handle.write(f'unix_sock_dir = "{self.sock_dir}"\n'
                         'auth_unix_ro = "none"\nauth_unix_rw = "none"\n'
                         + os.environ.get("MASAKARI_TEST_LIBVIRTD_EXTRA", ""))
        log = open(os.path.join(self.dir, "libvirtd.log"), "ab")
        if not os.path.exists("/run/libvirt/virtlogd-sock"):
            self.procs.append(subprocess.Popen(
                ["virtlogd", "-p", os.path.join(self.dir, "virtlogd.pid")],
                stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True))
            _wait_for_path("/run/libvirt/virtlogd-sock", timeout)
        command = ["libvirtd", "-f", conf, "-p",
                   os.path.join(self.dir, "libvirtd.pid")]
        self.procs.append(subprocess.Popen(
            self._kvm_shim() + command,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        log.close()
        _wait_for_path(os.path.join(self.sock_dir, "libvirt-sock"), timeout)
        return self

    def _lock(self, timeout: float) -> None:
        """One private libvirtd per machine at a time.

        Privileged libvirtds share /run/libvirt/qemu and virtlogd: a second
        one would adopt the first one's qemu processes. Tests running in
        parallel (pytest-xdist) therefore take turns.
        """
        if self._lock_fd is not None:
            return
        fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise AssertionError("another test holds libvirtd")
                time.sleep(0.2)
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _kvm_shim(self) -> list:
        """Prefix that hides an unusable /dev/kvm from libvirtd, if needed.

        In containers /dev/kvm is often root-only (0600): libvirt 9 then
        finds KVM "enabled when probing but not available now" and
        re-probes qemu (seconds each) on nearly every API call, so a
        domain start takes ~50 s. libvirtd runs in a private mount
        namespace whose /dev lacks the kvm node (TCG only, as the tests
        want); the host is left untouched.
        """
        try:
            st = os.stat("/dev/kvm")
            kvm_gid = grp.getgrnam("kvm").gr_gid
        except (OSError, KeyError):
            return []
        if st.st_gid == kvm_gid and st.st_mode & 0o060 == 0o060:
            return []
        if shutil.which("unshare") is None:
            return []
        script = os.path.join(self.dir, "no-kvm.sh")
        with open(script, "w") as handle:
            handle.write(_NO_KVM_SCRIPT)
        return ["unshare", "--mount", "--propagation", "private", "sh",
                script, os.path.join(self.dir, "dev")]

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
            daemon_mod.terminate(proc)
        self.procs = []
        self._unlock()


def _wait_for_path(path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear")
        time.sleep(0.05)
