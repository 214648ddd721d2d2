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

"""Real BMC emulators in front of real qemu domains, for fencing tests.

A private libvirtd (masakarimonitors' test helper) runs tiny TCG domains.
In front of it:

* sushy-tools' Redfish emulator (``sushy-emulator``, libvirt driver) on
  https://127.0.0.1:<port>, with HTTP basic auth from a bcrypt htpasswd
  file and a self-signed certificate made here (fence_redfish only speaks
  https);
* virtualbmc (``vbmcd`` with a private config and state directory), one
  IPMI 2.0 (lanplus) endpoint on 127.0.0.1:<udp port> per domain.

Every process is started from the virtualenv that runs the tests, in its
own session, and stopped again (by its pid / process group) afterwards.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import sysconfig
import urllib.error
import urllib.request
import uuid

import pytest

from masakari.testing.waits import free_port  # noqa: F401 - used by fakes
from masakari.testing.waits import wait_until

REQUIRE_ENV = "MASAKARI_TEST_REQUIRE_BACKENDS"
USERNAME = "admin"


def require(available: bool, what: str) -> None:
    """Skip unless ``available``; with MASAKARI_TEST_REQUIRE_BACKENDS=1 fail
    instead, so CI never passes by skipping."""
    if available:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{what} (required: {REQUIRE_ENV}=1)")
    pytest.skip(what)


def venv_script(name: str) -> str:
    """A console script of the virtualenv running the tests."""
    for folder in (os.path.dirname(sys.executable),
                   sysconfig.get_path("scripts")):
        path = os.path.join(folder, name)
        if os.access(path, os.X_OK):
            return path
    found = shutil.which(name)
    if found is None:
        raise AssertionError(f"{name} is not installed (test-requirements)")
    return found


def _tail(path: str, size: int = 4000) -> str:
    try:
        with open(path, errors="replace") as handle:
            return handle.read()[-size:]
    except OSError:
        return ""


def _stop(proc: subprocess.Popen | None, timeout: float = 15.0) -> None:
    """SIGTERM the process we started, then SIGKILL its process group (it
    was started in a session of its own, so the group is ours alone)."""
    if proc is None:
        return
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:
        proc.wait(10)


def make_certificate(workdir: str) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1; (cert path, key path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .sign(key, hashes.SHA256()))
    cert_path = os.path.join(workdir, "redfish-cert.pem")
    key_path = os.path.join(workdir, "redfish-key.pem")
    with open(cert_path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    return cert_path, key_path


class RedfishEmulator:
    """sushy-emulator (libvirt driver) on https://127.0.0.1:<port>."""

    def __init__(self, workdir: str, libvirt_uri: str, password: str) -> None:
        self.dir = os.path.join(workdir, "sushy")
        os.makedirs(self.dir, exist_ok=True)
        self.libvirt_uri = libvirt_uri
        self.username = USERNAME
        self.password = password
        self.port = 0
        self.cert_path = ""
        self.key_path = ""
        self.log_path = os.path.join(self.dir, "sushy-emulator.log")
        self.proc: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @staticmethod
    def system_id(domain_uuid: str) -> str:
        return f"/redfish/v1/Systems/{domain_uuid}"

    def start(self, timeout: float = 60.0) -> "RedfishEmulator":
        import bcrypt

        htpasswd = os.path.join(self.dir, "htpasswd")
        digest = bcrypt.hashpw(self.password.encode(), bcrypt.gensalt(4))
        with open(htpasswd, "w") as handle:
            handle.write(f"{self.username}:{digest.decode()}\n")
        self.cert_path, self.key_path = make_certificate(self.dir)
        config = os.path.join(self.dir, "emulator.conf")
        with open(config, "w") as handle:
            handle.write(f"SUSHY_EMULATOR_AUTH_FILE = {htpasswd!r}\n"
                         "SUSHY_EMULATOR_IGNORE_BOOT_DEVICE = True\n")
        self.port = free_port()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [venv_script("sushy-emulator"), "--config", config,
             "--interface", "127.0.0.1", "--port", str(self.port),
             "--libvirt-uri", self.libvirt_uri,
             "--ssl-certificate", self.cert_path,
             "--ssl-key", self.key_path],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, cwd=self.dir)
        log.close()
        wait_until(self._answers, timeout,
                   "sushy-emulator did not answer GET /redfish/v1/Systems",
                   lambda: _tail(self.log_path), interval=0.25)
        return self

    def _answers(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError("sushy-emulator exited:\n"
                                 + _tail(self.log_path))
        try:
            self.get("/redfish/v1/Systems", timeout=2)
        except (OSError, urllib.error.URLError):
            return False
        return True

    def get(self, path: str, timeout: float = 10.0,
            password: str | None = None) -> dict:
        """GET ``path`` as the emulator's user; the decoded JSON."""
        import json

        token = base64.b64encode(
            f"{self.username}:{password or self.password}".encode()).decode()
        request = urllib.request.Request(
            self.address + path,
            headers={"Authorization": f"Basic {token}",
                     "Accept": "application/json"})
        context = ssl.create_default_context(cafile=self.cert_path)
        with urllib.request.urlopen(request, timeout=timeout,
                                    context=context) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        _stop(self.proc)
        self.proc = None


class VirtualBMC:
    """vbmcd with a private config/state directory and control port."""

    def __init__(self, workdir: str) -> None:
        self.dir = os.path.join(workdir, "vbmc")
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "virtualbmc.conf")
        self.log_path = os.path.join(self.dir, "vbmcd.log")
        self.proc: subprocess.Popen | None = None
        self.domains: list[str] = []

    @property
    def env(self) -> dict:
        return dict(os.environ, VIRTUALBMC_CONFIG=self.config,
                    HOME=self.dir)

    def start(self, timeout: float = 60.0) -> "VirtualBMC":
        state = os.path.join(self.dir, "state")
        os.makedirs(state, exist_ok=True)
        with open(self.config, "w") as handle:
            handle.write(
                "[default]\n"
                f"config_dir = {state}\n"
                f"pid_file = {os.path.join(self.dir, 'vbmcd.pid')}\n"
                f"server_port = {free_port()}\n"
                "server_response_timeout = 20000\n"
                "[log]\n"
                f"logfile = {self.log_path}\n"
                "debug = true\n")
        log = open(os.path.join(self.dir, "vbmcd.out"), "ab")
        self.proc = subprocess.Popen(
            [venv_script("vbmcd"), "--foreground"], env=self.env,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, cwd=self.dir)
        log.close()
        wait_until(lambda: self._vbmc("list", check=False).returncode == 0,
                   timeout, "vbmcd did not answer `vbmc list`", self.logs,
                   interval=0.25)
        return self

    def logs(self) -> str:
        return (_tail(os.path.join(self.dir, "vbmcd.out"))
                + _tail(self.log_path))

    def _vbmc(self, *args: str, check: bool = True
              ) -> subprocess.CompletedProcess:
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError("vbmcd exited:\n" + self.logs())
        result = subprocess.run(
            [venv_script("vbmc"), *args], env=self.env, capture_output=True,
            text=True, timeout=60, stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise AssertionError(f"vbmc {args[0]} failed: {result.stdout}"
                                 f"{result.stderr}\n{self.logs()}")
        return result

    def add(self, domain: str, libvirt_uri: str, password: str,
            timeout: float = 60.0) -> int:
        """An IPMI endpoint for ``domain``; its UDP port on 127.0.0.1."""
        port = free_port(socket.SOCK_DGRAM)
        self._vbmc("add", domain, "--port", str(port),
                   "--address", "127.0.0.1", "--username", USERNAME,
                   "--password", password, "--libvirt-uri", libvirt_uri)
        self.domains.append(domain)
        self._vbmc("start", domain)
        wait_until(
            lambda: ipmitool(port, password, "chassis", "power", "status",
                             timeout=5).returncode == 0,
            timeout, f"vbmc for {domain} did not answer ipmitool",
            self.logs, interval=0.25)
        return port

    def remove(self, domain: str) -> None:
        if domain in self.domains and self.proc is not None:
            self._vbmc("stop", domain, check=False)
            self._vbmc("delete", domain, check=False)
            self.domains.remove(domain)

    def stop(self) -> None:
        _stop(self.proc)
        self.proc = None


def ipmitool(port: int, password: str, *command: str, timeout: float = 20.0,
             username: str = USERNAME) -> subprocess.CompletedProcess:
    """ipmitool over lanplus; the password goes in IPMI_PASSWORD (-E)."""
    env = dict(os.environ, IPMI_PASSWORD=password)
    try:
        return subprocess.run(
            ["ipmitool", "-I", "lanplus", "-H", "127.0.0.1", "-p", str(port),
             "-U", username, "-E", *command],
            env=env, capture_output=True, text=True, timeout=timeout,
            stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(exc.cmd, -1, "", "timed out")


def processes_mentioning(text: str) -> list[tuple[int, str]]:
    """(pid, command line) of the processes whose argv contains ``text``
    (this test process excepted)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                argv = handle.read().split(b"\0")
        except OSError:
            continue
        line = " ".join(arg.decode(errors="replace") for arg in argv)
        if any(text == arg.decode(errors="replace") for arg in argv):
            found.append((int(entry), line.strip()))
    return found


@dataclasses.dataclass
class Host:
    """One test host: a running domain with a Redfish and an IPMI BMC."""

    name: str  # the host name the fencer knows
    domain: str  # libvirt domain name
    uuid: str
    redfish_system_id: str
    ipmi_port: int


class Bed:
    """libvirtd + sushy-emulator + vbmcd; hosts (domains) come and go."""

    def __init__(self, workdir: str, password: str | None = None) -> None:
        self.dir = workdir
        self.password = password or f"pw-{uuid.uuid4().hex[:12]}"
        self.libvirtd = None
        self.libvirt = None
        self.conn = None
        self.redfish: RedfishEmulator | None = None
        self.vbmc: VirtualBMC | None = None

    @property
    def uri(self) -> str:
        return self.libvirtd.uri

    def start(self) -> "Bed":
        require(os.geteuid() == 0, "BMC emulator tests need root "
                "(a private privileged libvirtd)")
        from masakarimonitors.testing import libvirtd as helper
        try:
            import libvirt
        except ImportError:
            libvirt = None
        require(libvirt is not None, "libvirt-python is not installed")
        require(helper.available(), "libvirtd, virtlogd or "
                "qemu-system-x86_64 missing (libvirt-daemon-system, "
                "qemu-system-x86)")
        require(shutil.which("ipmitool") is not None,
                "ipmitool missing (Debian package ipmitool)")
        self.libvirt = libvirt
        self.libvirtd = helper.Libvirtd(os.path.join(self.dir, "libvirt"))
        try:
            self.libvirtd.start()
            self.conn = libvirt.open(self.uri)
        except (AssertionError, OSError, libvirt.libvirtError) as exc:
            self.stop()
            log = _tail(os.path.join(self.dir, "libvirt", "libvirtd.log"))
            require(False, f"private libvirtd could not start: {exc}\n{log}")
        try:
            self.redfish = RedfishEmulator(self.dir, self.uri,
                                           self.password).start()
            self.vbmc = VirtualBMC(self.dir).start()
        except BaseException:
            self.stop()
            raise
        return self

    def add_host(self, name: str | None = None) -> Host:
        """A running domain with both BMCs in front of it."""
        dom, domain = self.libvirtd.define_and_start(self.conn)
        port = self.vbmc.add(domain, self.uri, self.password)
        dom_uuid = dom.UUIDString()
        return Host(name=name or domain, domain=domain, uuid=dom_uuid,
                    redfish_system_id=RedfishEmulator.system_id(dom_uuid),
                    ipmi_port=port)

    def remove_host(self, host: Host) -> None:
        self.vbmc.remove(host.domain)
        try:
            dom = self.conn.lookupByName(host.domain)
            if dom.isActive():
                dom.destroy()
            dom.undefine()
        except self.libvirt.libvirtError:
            pass
        if host.domain in self.libvirtd.domains:
            self.libvirtd.domains.remove(host.domain)

    def is_active(self, host: Host) -> bool:
        return bool(self.conn.lookupByName(host.domain).isActive())

    def domstate(self, host: Host) -> str:
        """``virsh domstate`` as an operator would see it."""
        result = subprocess.run(
            ["virsh", "-c", self.uri, "domstate", host.domain],
            capture_output=True, text=True, timeout=30,
            stdin=subprocess.DEVNULL)
        return result.stdout.strip()

    def power_off(self, host: Host) -> None:
        dom = self.conn.lookupByName(host.domain)
        if dom.isActive():
            dom.destroy()

    def stop(self) -> None:
        if self.vbmc is not None:
            self.vbmc.stop()
            self.vbmc = None
        if self.redfish is not None:
            self.redfish.stop()
            self.redfish = None
        if self.conn is not None:
            try:
                self.conn.close()
            except self.libvirt.libvirtError:
                pass
            self.conn = None
        if self.libvirtd is not None:
            self.libvirtd.stop(self.libvirt)
            self.libvirtd = None

    def __enter__(self) -> "Bed":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
