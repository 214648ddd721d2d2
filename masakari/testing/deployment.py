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

"""Real masakari-api / masakari-engine processes sharing a database and a
RabbitMQ broker, with Nova and Keystone from a cloud simulator running in
the calling process (functional tests, the fault suite).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

from masakari.testing.waits import free_port
from masakari.testing.waits import wait_until

TRANSPORT_ENV = "MASAKARI_TEST_TRANSPORT_URL"

# What the Pacemaker host monitor adds after a confirmed STONITH.
FENCED = {"confirmed": True, "source": "stonith-history"}


class Deployment:
    """One API and any number of engines sharing a database and a broker.

    ``transport_url`` defaults to $MASAKARI_TEST_TRANSPORT_URL; ``db_url``
    to a SQLite file of the deployment's own (an empty database on a
    server works as well: it is synced here).
    """

    def __init__(self, sim: Any,
                 extra: dict[str, dict[str, Any]] | None = None,
                 transport_url: str | None = None,
                 db_url: str | None = None) -> None:
        transport_url = transport_url or os.environ.get(TRANSPORT_ENV)
        if not transport_url:
            raise RuntimeError(f"{TRANSPORT_ENV} not set "
                               "(tools/test-services.sh start rabbitmq)")
        self.sim = sim
        self.dir = tempfile.TemporaryDirectory(prefix="masakari-func-")
        self.run_id = uuid.uuid4().hex[:8]
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.db_url = db_url or f"sqlite:///{self.dir.name}/masakari.sqlite"
        creds = sim.credentials
        sections: dict[str, dict[str, Any]] = {
            "DEFAULT": {
                "transport_url": transport_url,
                # RabbitMQ names the topic queue after the topic alone, so
                # deployments running at the same time need their own topic
                # (a control_exchange of their own does not keep them apart).
                "control_exchange": "masakari-test-" + self.run_id,
                "masakari_topic": "ha_engine-" + self.run_id,
                "auth_strategy": "noauth2",
                "masakari_api_listen": "127.0.0.1",
                "masakari_api_listen_port": self.port,
                "masakari_api_workers": 1,
                "os_privileged_user_auth_url": creds["auth_url"],
                "os_privileged_user_name": creds["username"],
                "os_privileged_user_password": creds["password"],
                "os_privileged_user_tenant": creds["project_name"],
                "os_region_name": sim.region,
                "notification_delay_max": 0,
                "verify_interval": 1,
                "periodic_fuzzy_delay": 0,
                "graceful_shutdown_timeout": 15,
                "use_stderr": True,
            },
            "database": {"connection": self.db_url},
            "taskflow": {"connection": self.db_url},
        }
        for section, values in (extra or {}).items():
            sections.setdefault(section, {}).update(values)
        self.config = os.path.join(self.dir.name, "masakari.conf")
        with open(self.config, "w") as handle:
            for section, values in sections.items():
                handle.write(f"[{section}]\n")
                for key, value in values.items():
                    handle.write(f"{key} = {value}\n")
        self.procs: dict[str, subprocess.Popen] = {}
        self._sync_db()

    def _sync_db(self) -> None:
        subprocess.run(self._cmd("masakari-manage")
                       + ["--config-file", self.config, "db", "sync"],
                       check=True, capture_output=True, timeout=120)

    @staticmethod
    def _cmd(script: str) -> list[str]:
        path = os.path.join(os.path.dirname(sys.executable), script)
        return [path]

    def start(self, name: str, script: str,
              host: str | None = None) -> subprocess.Popen:
        args = self._cmd(script) + ["--config-file", self.config]
        env = dict(os.environ)
        if host:
            extra = os.path.join(self.dir.name, f"{name}.conf")
            with open(extra, "w") as handle:
                handle.write(f"[DEFAULT]\nhost = {host}\n")
            args += ["--config-file", extra]
        log = open(os.path.join(self.dir.name, f"{name}.log"), "ab")
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        path = os.path.join(self.dir.name, f"{name}.log")
        with open(path, errors="replace") as f:
            return f.read()

    def print_logs(self, tail: int = 6000) -> None:
        """The end of every service log, for pytest to show on failure."""
        for entry in sorted(os.listdir(self.dir.name)):
            if entry.endswith(".log"):
                with open(os.path.join(self.dir.name, entry),
                          errors="replace") as f:
                    print(f"----- {entry} (end) -----\n{f.read()[-tail:]}")

    def start_api(self) -> None:
        self.start("api", "masakari-api")
        wait_until(self._api_up, 60, what="masakari-api")

    def _api_up(self) -> bool:
        try:
            with urllib.request.urlopen(self.endpoint + "/", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def start_engine(self, name: str = "engine") -> subprocess.Popen:
        proc = self.start(name, "masakari-engine",
                          host=f"{name}-{uuid.uuid4().hex[:6]}")
        wait_until(lambda: "masakari-engine started" in self.log(name), 60,
                   what=f"{name} start")
        return proc

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name)
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        proc.wait(timeout=60)

    def stop(self, print_logs: bool = True) -> None:
        """Stop every process (SIGTERM, then SIGKILL) and remove the
        files; ``print_logs`` first shows the end of each log."""
        if print_logs:
            self.print_logs()
        for name in list(self.procs):
            proc = self.procs[name]
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
            self.procs.pop(name)
        self.dir.cleanup()

    # -- REST ------------------------------------------------------------
    def call(self, method: str, path: str, body: dict | None = None,
             version: str = "1.3") -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.endpoint + "/v1" + path, data=data, method=method,
            headers={"Content-Type": "application/json",
                     "OpenStack-API-Version": f"instance-ha {version}",
                     "X-Project-Id": "admin", "X-User-Id": "admin",
                     "X-Roles": "admin"})
        with urllib.request.urlopen(request, timeout=90) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def make_segment(self, hosts: list[str], method: str = "auto",
                     reserved: tuple[str, ...] = ()) -> dict:
        segment = self.call("POST", "/segments", {"segment": {
            "name": "seg-" + uuid.uuid4().hex[:6], "service_type": "COMPUTE",
            "recovery_method": method}})["segment"]
        for name in hosts:
            self.call("POST", f"/segments/{segment['uuid']}/hosts", {"host": {
                "name": name, "type": "COMPUTE", "control_attributes": "SSH",
                "reserved": name in reserved}})
        return segment

    def notify_host_down(self, host: str) -> str:
        note = self.call("POST", "/notifications", {"notification": {
            "type": "COMPUTE_HOST", "hostname": host,
            "generated_time": time.strftime("%Y-%m-%dT%H:%M:%S",
                                            time.gmtime()),
            "payload": {"event": "STOPPED", "host_status": "NORMAL",
                        "cluster_status": "OFFLINE",
                        "fencing": FENCED}}})["notification"]
        return note["notification_uuid"]

    def notification(self, uuid_: str) -> dict:
        return self.call("GET", f"/notifications/{uuid_}")["notification"]

    def wait_status(self, uuid_: str,
                    statuses: tuple[str, ...] = ("finished",),
                    timeout: float = 90) -> dict:
        final = ("finished", "failed", "ignored") + statuses

        def done():
            note = self.call("GET", f"/notifications/{uuid_}", version="1.0")
            note = note["notification"]
            return note if note["status"] in final else None
        return wait_until(done, timeout, interval=0.3,
                          what=f"notification {uuid_}")


class BrokerProxy:
    """A TCP relay to the broker that a test can cut and restore.

    Cutting closes every relayed connection and the listening socket, which
    is what clients see when RabbitMQ stops, without touching the shared
    broker other tests use.
    """

    def __init__(self, url: str) -> None:
        scheme, rest = url.split("://", 1)
        creds, hostport = rest.rsplit("@", 1)
        host, _, tail = hostport.partition(":")
        port, _, vhost = tail.partition("/")
        self.upstream = (host, int(port))
        self.port = free_port()
        self.url = f"{scheme}://{creds}@127.0.0.1:{self.port}/{vhost}"
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._server: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        with self._lock:
            self._server = server
        threading.Thread(target=self._accept, args=(server,),
                         daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            server, self._server = self._server, None
            socks, self._socks = self._socks, []
        if server is not None:
            server.close()
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    close = cut

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._server is not server:
                    client.close()
                    upstream.close()
                    return
                self._socks += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst),
                                 daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
