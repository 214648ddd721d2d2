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
"""Private MariaDB, PostgreSQL and RabbitMQ servers that a test can stop
and start again (same port, same data), on 127.0.0.1.

The recipes are those of ``tools/test-services.sh`` (which starts the
shared instances the tests use); these are for scenarios that take a
server away, which must not disturb anybody else. Every process started
is stopped by its own pid. PostgreSQL runs as the ``postgres`` user, so
it needs root (as in CI) or that user.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
from typing import Any

from masakari.testing import waits


def _run(args: list[str], user: str | None = None, **kwargs: Any
         ) -> subprocess.CompletedProcess:
    if user and os.geteuid() == 0:
        args = ["runuser", "-u", user, "--"] + args
    return subprocess.run(args, capture_output=True, text=True,
                          timeout=kwargs.pop("timeout", 120), **kwargs)


def _ok(args: list[str], user: str | None = None) -> bool:
    try:
        return _run(args, user, timeout=20).returncode == 0
    except subprocess.TimeoutExpired:
        return False


class Server:
    """Base: a data directory, a port, one process; ``stop``/``start``
    keep both, ``close`` removes everything."""

    name = "server"

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix=f"masakari-{self.name}-")
        os.chmod(self.dir, 0o755)
        self.port = waits.free_port()
        self.proc: subprocess.Popen | None = None
        self._init()

    def _init(self) -> None:
        raise NotImplementedError

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _ready(self) -> bool:
        raise NotImplementedError

    def _popen(self, args: list[str], user: str | None = None,
               env: dict | None = None) -> None:
        if user and os.geteuid() == 0:
            args = ["runuser", "-u", user, "--"] + args
        log = open(os.path.join(self.dir, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=log,
                                     stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)
        log.close()

    def start(self, timeout: float = 120) -> None:
        self._popen(*self._command())
        waits.wait_until(lambda: self.proc.poll() is not None
                         or self._ready(), timeout, interval=0.2,
                         what=f"{self.name} to start", details=self.log)
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited: {self.log()}")

    def stop(self, timeout: float = 60) -> None:
        """A clean shutdown (SIGTERM), SIGKILL after ``timeout``."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        try:
            with open(os.path.join(self.dir, "server.log"),
                      errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def __enter__(self) -> Server:
        try:
            self.start()
        except BaseException:
            self.close()  # a half-started server is stopped too
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class MariaDB(Server):
    name = "mariadb"

    def _init(self) -> None:
        _run(["mariadb-install-db", f"--datadir={self.dir}/data",
              "--auth-root-authentication-method=normal"], check=True)

    def _command(self) -> tuple:
        return ([shutil.which("mariadbd") or "/usr/sbin/mariadbd",
                 "--no-defaults", f"--datadir={self.dir}/data",
                 f"--socket={self.dir}/sock", f"--port={self.port}",
                 "--bind-address=127.0.0.1", "--user=root",
                 "--character-set-server=utf8mb4",
                 "--collation-server=utf8mb4_general_ci",
                 "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin",
                 f"--log-error={self.dir}/error.log"],)

    def _ready(self) -> bool:
        return _ok(["mariadb-admin", "--no-defaults", "-S",
                    f"{self.dir}/sock", "-u", "root", "ping"])

    @property
    def url(self) -> str:
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/"


class PostgreSQL(Server):
    name = "postgresql"

    def _bin(self, tool: str) -> str:
        found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
        return found[-1] if found else tool

    def _init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        _run([self._bin("initdb"), "-D", f"{self.dir}/data", "-A", "trust",
              "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"],
             user="postgres", check=True)

    def _command(self) -> tuple:
        return ([self._bin("postgres"), "-D", f"{self.dir}/data", "-k",
                 self.dir, "-h", "127.0.0.1", "-p", str(self.port)],
                "postgres")

    def _ready(self) -> bool:
        return _ok([self._bin("pg_isready"), "-h", "127.0.0.1", "-p",
                    str(self.port)], user="postgres")

    def stop(self, timeout: float = 60) -> None:
        """A fast shutdown through pg_ctl (runuser would not pass a
        signal on to postgres: it kills it)."""
        if self.proc is not None and self.proc.poll() is None:
            _run([self._bin("pg_ctl"), "stop", "-D", f"{self.dir}/data",
                  "-m", "fast", "-t", str(int(timeout))], user="postgres",
                 timeout=timeout + 10)
        super().stop(timeout)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/"


class RabbitMQ(Server):
    """A RabbitMQ node; ``stop``/``start`` stop and start the broker
    application (connections drop, the port closes) without restarting
    the Erlang node, which is what a broker restart looks like to clients
    and takes a second instead of ten."""

    name = "rabbitmq"

    def _init(self) -> None:
        for sub in ("home", "mnesia", "log"):
            os.makedirs(os.path.join(self.dir, sub))
        self.node = f"masakari{os.getpid()}x{self.port}@localhost"
        self.env = dict(
            os.environ, HOME=f"{self.dir}/home", RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(waits.free_port()),
            RABBITMQ_MNESIA_BASE=f"{self.dir}/mnesia",
            RABBITMQ_LOG_BASE=f"{self.dir}/log",
            RABBITMQ_PID_FILE=f"{self.dir}/rabbit.pid",
            ERL_EPMD_ADDRESS="127.0.0.1",
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=(
                "-kernel inet_dist_use_interface {127,0,0,1}"))
        self.node_proc: subprocess.Popen | None = None

    def _ctl(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run(["/usr/lib/rabbitmq/bin/rabbitmqctl", "-n",
                               self.node, *args], env=self.env,
                              capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: "
                               f"{done.stdout}{done.stderr}")

    def start(self, timeout: float = 120) -> None:
        if self.node_proc is None:
            self._popen(["/usr/lib/rabbitmq/bin/rabbitmq-server"],
                        env=self.env)
            self.node_proc = self.proc
            command = "await_startup"  # fails until the node registered
        else:
            command = "start_app"
        errors: list[str] = []

        def attempt() -> bool:
            if self.node_proc.poll() is not None:
                raise RuntimeError(f"rabbitmq exited: {self.log()}")
            try:
                self._ctl(command, timeout=timeout)
                return True
            except (RuntimeError, subprocess.TimeoutExpired) as err:
                errors[:] = [str(err)]
                return False
        waits.wait_until(attempt, timeout, interval=1,
                         what=f"rabbitmqctl {command}",
                         details=lambda: "".join(errors))

    def stop(self, timeout: float = 60) -> None:
        if self.node_proc is not None and self.node_proc.poll() is None:
            self._ctl("stop_app", timeout=timeout)

    def close(self) -> None:
        if self.node_proc is not None and self.node_proc.poll() is None:
            try:
                self._ctl("stop", timeout=60)
            except (subprocess.SubprocessError, OSError, RuntimeError):
                pass
            self.proc = self.node_proc
            self.node_proc = None
            Server.stop(self)
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"rabbit://guest:guest@127.0.0.1:{self.port}/"


def _on_database(server_url: str, database: str | None) -> Any:
    import sqlalchemy as sa

    return sa.engine.make_url(server_url).set(database=database)


def _admin(server_url: str, statement: str) -> None:
    import sqlalchemy as sa

    admin = _on_database(server_url, "postgres" if server_url.startswith(
        "postgresql") else None)
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def create_database(server_url: str, name: str) -> str:
    """An empty database ``name`` on the server; its URL."""
    _admin(server_url, f"CREATE DATABASE {name}")
    return _on_database(server_url, name).render_as_string(
        hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    """Drop ``name``; on PostgreSQL even while sessions are connected."""
    force = " WITH (FORCE)" if server_url.startswith("postgresql") else ""
    _admin(server_url, f"DROP DATABASE IF EXISTS {name}{force}")
