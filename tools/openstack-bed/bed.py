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

"""Start and stop the OpenStack test bed (see README.rst beside this file).

Standard library only: it runs under any python3 and drives the services
installed in the bed's own virtualenv.  Every process it starts runs in its
own session with its pid in ``<dir>/run/<name>.pid``; ``stop`` signals
exactly those process groups.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bed_conf as conf  # noqa: E402
import image_api  # noqa: E402
import keystone_setup  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
FLAVOR = "bed.tiny"
SERVICES_SCRIPT = os.path.join(TOP, "tools", "test-services.sh")
# Children run in the bed's directory: a relative interpreter path (from a
# relative virtualenv on PATH) would not be found there.
PYTHON = os.path.abspath(sys.executable)


def log(message: str) -> None:
    print(f"[openstack-bed] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], object], timeout: float, what: str,
             interval: float = 0.5) -> object:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s: {what}")
        time.sleep(interval)


def http_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError as err:
        return err.code < 500
    except OSError:
        return False


class Bed:
    def __init__(self, root: str, venv: str) -> None:
        self.root = root
        self.venv = venv
        self.run_dir = os.path.join(root, "run")

    # -- processes -----------------------------------------------------
    def spawn(self, name: str, args: list[str],
              env: dict[str, str] | None = None) -> int:
        os.makedirs(self.run_dir, exist_ok=True)
        out = open(os.path.join(self.root, "logs", f"{name}.out"), "ab")
        full_env = dict(os.environ, **(env or {}))
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=full_env,
                                start_new_session=True, cwd=self.root)
        out.close()
        with open(self.pid_file(name), "w") as f:
            f.write(str(proc.pid))
        return proc.pid

    def pid_file(self, name: str) -> str:
        return os.path.join(self.run_dir, f"{name}.pid")

    def pid(self, name: str) -> int | None:
        try:
            with open(self.pid_file(name)) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def names(self) -> list[str]:
        if not os.path.isdir(self.run_dir):
            return []
        return sorted(n[:-4] for n in os.listdir(self.run_dir)
                      if n.endswith(".pid"))

    def kill(self, name: str, sig: int, timeout: float = 20.0) -> None:
        """Signal the process group of ``name``; wait (bounded) for it."""
        pid = self.pid(name)
        if pid is None:
            return
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.1)
        if _alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.unlink(self.pid_file(name))

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM every group at once, SIGKILL what is left after grace."""
        names = self.names()
        pids = [p for p in map(self.pid, names) if p is not None]
        for pid in pids:
            try:
                os.killpg(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(map(_alive, pids)):
            time.sleep(0.2)
        for name in names:
            self.kill(name, signal.SIGKILL, timeout=5)
        services = os.path.join(self.root, "services")
        if os.path.isdir(services):
            subprocess.run([SERVICES_SCRIPT, "stop"], check=False,
                           env=dict(os.environ,
                                    MASAKARI_TEST_SERVICES_DIR=services),
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)

    # -- start ---------------------------------------------------------
    def venv_bin(self, name: str) -> str:
        return os.path.join(self.venv, "bin", name)

    def start(self, computes: int) -> None:
        started = time.monotonic()
        if self.names():
            self.stop()
        if os.path.isdir(self.root):
            shutil.rmtree(self.root)
        for sub in ("logs", "etc", "run", "keystone"):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)
        pg_url, transport = self.start_infra()
        lay = conf.Layout(
            root=self.root, venv=self.venv, pg_url=pg_url,
            transport_url=transport, keystone_port=free_port(),
            placement_port=free_port(), nova_port=free_port(),
            image_port=free_port(), masakari_port=free_port(),
            computes=computes)
        self.create_databases(lay)
        self.spawn("image-api", [PYTHON, image_api.__file__,
                                 str(lay.image_port)])
        self.start_keystone(lay)
        keystone_setup.Setup(lay).run()
        self.start_placement(lay)
        self.start_nova(lay)
        self.write_env(lay)
        log(f"ready in {time.monotonic() - started:.0f} s; "
            f"env in {self.env_path()}")

    def start_infra(self) -> tuple[str, str]:
        services = os.path.join(self.root, "services")
        env = dict(os.environ, MASAKARI_TEST_SERVICES_DIR=services)
        subprocess.run([SERVICES_SCRIPT, "start", "postgresql", "rabbitmq"],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        values = {}
        with open(os.path.join(services, "env")) as f:
            for line in f:
                key, _, value = line.removeprefix("export ").partition("=")
                values[key.strip()] = value.strip().strip("'")
        return (values["MASAKARI_TEST_POSTGRESQL_URL"],
                values["MASAKARI_TEST_TRANSPORT_URL"])

    def create_databases(self, lay: conf.Layout) -> None:
        port = urllib.parse.urlparse(lay.pg_url).port
        for name in ("keystone", "placement", "nova_api", "nova_cell0",
                     "nova"):
            subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-p", str(port),
                            "-U", "postgres", "-c", f"CREATE DATABASE {name}"],
                           check=True, stdout=subprocess.DEVNULL)

    def write_conf(self, service: str, text: str) -> str:
        d = os.path.join(self.root, "etc", service)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, f"{service.split('-')[0]}.conf")
        if service.startswith("nova"):
            path = os.path.join(d, "nova.conf")
        with open(path, "w") as f:
            f.write(text)
        return path

    def manage(self, tool: str, config: str, *args: str) -> None:
        log(" ".join((tool,) + args[:2]))
        cmd = [self.venv_bin(tool), "--config-file", config, *args]
        result = subprocess.run(cmd, capture_output=True, text=True)
        with open(os.path.join(self.root, "logs", "manage.log"), "a") as f:
            f.write(f"$ {shlex.join(cmd)}\n{result.stdout}{result.stderr}")
        if result.returncode != 0:
            raise RuntimeError(f"{shlex.join(cmd)} failed "
                               f"({result.returncode}): "
                               f"{result.stderr[-2000:]}")

    def start_keystone(self, lay: conf.Layout) -> None:
        config = self.write_conf("keystone", conf.keystone(lay))
        for sub in ("fernet", "credential"):
            os.makedirs(lay.path("keystone", sub), exist_ok=True)
        self.manage("keystone-manage", config, "db_sync")
        user = ["--keystone-user", "root", "--keystone-group", "root"]
        self.manage("keystone-manage", config, "fernet_setup", *user)
        self.manage("keystone-manage", config, "credential_setup", *user)
        self.manage("keystone-manage", config, "bootstrap",
                    "--bootstrap-password", conf.PASSWORD,
                    "--bootstrap-admin-url", lay.keystone_url,
                    "--bootstrap-public-url", lay.keystone_url,
                    "--bootstrap-internal-url", lay.keystone_url,
                    "--bootstrap-region-id", conf.REGION)
        self.spawn("keystone", conf.uwsgi_args(
            lay, "keystone.wsgi.api:application", lay.keystone_port),
            env={"OS_KEYSTONE_CONFIG_DIR": os.path.dirname(config)})
        wait_for(lambda: http_up(lay.keystone_url), 120, "keystone")

    def start_placement(self, lay: conf.Layout) -> None:
        config = self.write_conf("placement", conf.placement(lay))
        self.manage("placement-manage", config, "db", "sync")
        self.spawn("placement", conf.uwsgi_args(
            lay, "placement.wsgi.api:application", lay.placement_port),
            env={"OS_PLACEMENT_CONFIG_DIR": os.path.dirname(config)})

    def start_nova(self, lay: conf.Layout) -> None:
        config = self.write_conf("nova-api", conf.nova(lay, "api"))
        self.manage("nova-manage", config, "api_db", "sync")
        self.manage("nova-manage", config, "cell_v2", "map_cell0",
                    "--database_connection", lay.db("nova_cell0"))
        self.manage("nova-manage", config, "cell_v2", "create_cell",
                    "--name", "cell1", "--database_connection",
                    lay.db("nova"), "--transport-url", lay.transport_url)
        self.manage("nova-manage", config, "db", "sync")
        self.spawn("nova-api", conf.uwsgi_args(
            lay, "nova.wsgi.osapi_compute:application", lay.nova_port),
            env={"OS_NOVA_CONFIG_DIR": os.path.dirname(config),
                 # The first file is the paste deployment of the API.
                 "OS_NOVA_CONFIG_FILES": os.path.join(
                     lay.venv, "etc", "nova", "api-paste.ini") + ";nova.conf"})
        for service in ("conductor", "scheduler"):
            path = self.write_conf(f"nova-{service}",
                                   conf.nova(lay, service))
            self.spawn(f"nova-{service}", [self.venv_bin(f"nova-{service}"),
                                           "--config-file", path])
        for host in lay.hosts():
            self.write_conf(f"nova-{host}", conf.nova(lay, "compute", host))
            os.makedirs(lay.path("nova", host, "instances"), exist_ok=True)
            self.start_compute(host)
        wait_for(lambda: http_up(lay.placement_url), 120, "placement")
        wait_for(lambda: http_up(lay.nova_url + "/"), 180, "nova-api")
        token = keystone_setup.token_for(lay.keystone_url, "admin", "admin")

        def computes_up() -> bool:
            status, _, body = keystone_setup.request(
                "GET", lay.nova_url + "/os-services?binary=nova-compute",
                token=token)
            up = {s["host"] for s in body.get("services", [])
                  if s.get("state") == "up"}
            return status == 200 and up >= set(lay.hosts())
        wait_for(computes_up, 300, "nova-compute services up", 1.0)
        self.manage("nova-manage", config, "cell_v2", "discover_hosts")

        def hypervisors() -> bool:
            _, _, body = keystone_setup.request(
                "GET", lay.nova_url + "/os-hypervisors", token=token)
            return len(body.get("hypervisors", [])) >= lay.computes
        wait_for(hypervisors, 120, "hypervisors", 1.0)
        status, _, body = keystone_setup.request(
            "POST", lay.nova_url + "/flavors", {"flavor": {
                "name": FLAVOR, "ram": 64, "vcpus": 1, "disk": 1,
                "id": FLAVOR}}, token=token)
        if status not in (200, 409):
            raise RuntimeError(f"flavor: {status} {body}")

    def start_compute(self, host: str) -> int:
        """(Re)start the compute of ``host``; one still running is killed
        first, so there is never more than one per host."""
        self.kill(f"nova-compute-{host}", signal.SIGKILL)
        path = os.path.join(self.root, "etc", f"nova-{host}", "nova.conf")
        return self.spawn(f"nova-compute-{host}", [
            self.venv_bin("nova-compute"), "--config-file", path])

    # -- env -----------------------------------------------------------
    def env_path(self) -> str:
        return os.path.join(self.root, "env")

    def write_env(self, lay: conf.Layout) -> None:
        values = {
            "MASAKARI_BED_DIR": self.root,
            "MASAKARI_BED_TOOL": os.path.abspath(__file__),
            "MASAKARI_BED_AUTH_URL": lay.keystone_url,
            "MASAKARI_BED_PASSWORD": conf.PASSWORD,
            "MASAKARI_BED_REGION": conf.REGION,
            "MASAKARI_BED_PROJECTS": ",".join(conf.PROJECTS),
            "MASAKARI_BED_NOVA_URL": lay.nova_url,
            "MASAKARI_BED_IMAGE_ID": image_api.IMAGE_ID,
            "MASAKARI_BED_FLAVOR": FLAVOR,
            "MASAKARI_BED_HOSTS": ",".join(lay.hosts()),
            "MASAKARI_BED_MASAKARI_PORT": str(lay.masakari_port),
            "MASAKARI_BED_TRANSPORT_URL": lay.transport_url,
            "MASAKARI_BED_PG_URL": lay.pg_url,
        }
        tmp = self.env_path() + ".tmp"
        with open(tmp, "w") as f:
            for key, value in values.items():
                f.write(f"export {key}={shlex.quote(value)}\n")
        os.replace(tmp, self.env_path())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie of ours (we are not its parent here) counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", default=os.environ.get(
        "MASAKARI_BED_DIR", os.path.join(TOP, ".openstack-bed")))
    parser.add_argument("--venv", default=os.environ.get(
        "MASAKARI_BED_VENV", os.path.join(TOP, ".openstack-venv")))
    sub = parser.add_subparsers(dest="cmd", required=True)
    start = sub.add_parser("start", help="start everything, write the env")
    start.add_argument("--computes", type=int, default=3)
    sub.add_parser("stop", help="stop exactly what start started")
    compute = sub.add_parser("start-compute",
                             help="(re)start the nova-compute of HOST")
    compute.add_argument("host")
    kill = sub.add_parser("kill-compute", help="kill -9 the compute of HOST")
    kill.add_argument("host")
    args = parser.parse_args(argv)
    bed = Bed(os.path.abspath(args.dir), os.path.abspath(args.venv))
    if args.cmd == "start":
        try:
            bed.start(args.computes)
        except Exception as err:
            log(f"start failed: {err}; logs in {bed.root}/logs")
            bed.stop()
            return 1
    elif args.cmd == "stop":
        bed.stop()
        if os.path.exists(bed.env_path()):
            os.unlink(bed.env_path())
        log("stopped")
    elif args.cmd == "start-compute":
        print(bed.start_compute(args.host))
    elif args.cmd == "kill-compute":
        bed.kill(f"nova-compute-{args.host}", signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
