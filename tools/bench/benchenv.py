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

"""What the service benchmarks share: scratch databases, a deployment of
real masakari-api / masakari-engine processes over RabbitMQ, a keep-alive
REST client with optional Keystone tokens, and latency figures."""

from __future__ import annotations

import glob
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                '..', '..')))

import sqlalchemy as sa  # noqa: E402

from masakari.db import migration  # noqa: E402
from masakari.testing import api_server  # noqa: E402
from masakari.testing import waits  # noqa: E402

SERVICES_ENV = {'postgresql': 'MASAKARI_TEST_POSTGRESQL_URL',
                'mysql': 'MASAKARI_TEST_MYSQL_URL'}
TRANSPORT_ENV = 'MASAKARI_TEST_TRANSPORT_URL'


def server_url(backend: str) -> str:
    """The database server URL of ``backend`` from the environment."""
    url = os.environ.get(SERVICES_ENV[backend])
    if not url:
        raise SystemExit(f'{SERVICES_ENV[backend]} is not set '
                         '(. .test-services/env)')
    return url


def transport_url() -> str:
    url = os.environ.get(TRANSPORT_ENV)
    if not url:
        raise SystemExit(f'{TRANSPORT_ENV} is not set (. .test-services/env)')
    return url


class ScratchDatabase:
    """A migrated, empty database: a SQLite file in ``tmp`` or a uniquely
    named database on a PostgreSQL/MariaDB server (dropped on close)."""

    def __init__(self, backend: str, tmp: str,
                 server: str | None = None,
                 separate_taskflow: bool = False) -> None:
        """``server``: the server's URL (default: from the environment);
        ``separate_taskflow``: the engine's taskflow persistence in a
        second SQLite file (``taskflow_url``) rather than the main one."""
        self.backend = backend
        self._admin = None
        if backend == 'sqlite':
            self.url = f'sqlite:///{tmp}/bench.sqlite'
        else:
            server = sa.engine.make_url(server or server_url(backend))
            self.name = 'masakari_bench_' + uuid.uuid4().hex[:8]
            admin = server.set(database='postgres' if backend == 'postgresql'
                               else None)
            self._admin = sa.create_engine(admin, isolation_level='AUTOCOMMIT')
            with self._admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE {self.name}')
            self.url = server.set(database=self.name).render_as_string(
                hide_password=False)
        self.taskflow_url = self.url
        if separate_taskflow and backend == 'sqlite':
            self.taskflow_url = f'sqlite:///{tmp}/taskflow.sqlite'
        migration.db_sync(url=self.url, taskflow_connection=self.taskflow_url)

    def close(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as conn:
            if self.backend == 'postgresql':
                conn.exec_driver_sql(
                    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
                    f"WHERE datname = '{self.name}' AND pid <> "
                    'pg_backend_pid()')
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS {self.name}')
        self._admin.dispose()


class Deployment:
    """masakari-api (one worker) and optionally masakari-engine, both on
    RabbitMQ (or ``fake://`` when ``transport`` is None) and one database.

    ``cloud``: the simulated cloud (credentials, region) the engine talks to
    and, with ``keystone``, the identity service keystonemiddleware
    validates the API's tokens against.
    """

    def __init__(self, tmp: str, db_url: str, transport: str | None,
                 cloud: Any = None, keystone: bool = False,
                 taskflow_url: str | None = None) -> None:
        self.tmp = tmp
        self.cloud = cloud
        run = uuid.uuid4().hex[:8]
        default = {'transport_url': transport or 'fake://',
                   # Runs at the same time on one broker stay apart.
                   'control_exchange': f'masakari-bench-{run}',
                   'masakari_topic': f'ha_engine-bench-{run}',
                   'notification_delay_max': '0'}
        extra: dict[str, dict[str, str]] = {
            'DEFAULT': default,
            'taskflow': {'connection': taskflow_url or db_url}}
        if cloud is not None:
            creds = cloud.credentials
            default.update({
                'os_privileged_user_auth_url': creds['auth_url'],
                'os_privileged_user_name': creds['username'],
                'os_privileged_user_password': creds['password'],
                'os_privileged_user_tenant': creds['project_name'],
                'os_region_name': cloud.region})
        if keystone:
            creds = cloud.credentials
            default['auth_strategy'] = 'keystone'
            extra['keystone_authtoken'] = {
                'www_authenticate_uri': creds['auth_url'],
                'auth_url': creds['auth_url'],
                'auth_type': 'password',
                'username': creds['username'],
                'password': creds['password'],
                'project_name': creds['project_name'],
                'user_domain_name': creds['user_domain_name'],
                'project_domain_name': creds['project_domain_name'],
                'region_name': cloud.region}
        self.extra = extra
        self.api = api_server.ApiServer(tmp, db_url, extra=extra)
        self.engine: subprocess.Popen | None = None
        self.engine_log = os.path.join(tmp, 'masakari-engine.log')

    def start_api(self) -> None:
        try:
            self.api.start(timeout=60)
        except RuntimeError:
            raise SystemExit('masakari-api did not start:\n'
                             + self.api.log()[-3000:]) from None

    def start_engine(self, timeout: float = 60.0) -> None:
        """The engine on the API's configuration file, once it logged
        that it started (it then consumes the topic)."""
        config = os.path.join(self.tmp, 'masakari.conf')
        with open(self.engine_log, 'ab') as log:
            self.engine = subprocess.Popen(
                [sys.executable, '-m', 'masakari.cmd.engine',
                 '--config-file', config],
                cwd=api_server.REPO, stdout=log, stderr=subprocess.STDOUT)
        if not waits.poll(lambda: self.engine.poll() is not None or
                          'masakari-engine started' in self._engine_text(),
                          timeout) or self.engine.poll() is not None:
            raise SystemExit('masakari-engine did not start; see '
                             + self.engine_log)

    def _engine_text(self) -> str:
        with open(self.engine_log, errors='replace') as f:
            return f.read()

    def stop(self) -> None:
        api_server.terminate(self.engine, 30)
        self.engine = None
        self.api.stop()


class Client:
    """One keep-alive connection; with a cloud and ``keystone``, every
    request carries a token issued by the cloud's identity API."""

    def __init__(self, port: int, cloud: Any = None,
                 keystone: bool = False) -> None:
        self.conn = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
        self.headers = {'Content-Type': 'application/json'}
        if keystone:
            self.headers['X-Auth-Token'] = issue_token(cloud.credentials)

    def call(self, method: str, path: str, body: Any = None
             ) -> tuple[float, int, bytes]:
        """(seconds, status, body) of one request."""
        data = None if body is None else json.dumps(body).encode()
        start = time.perf_counter()
        self.conn.request(method, path, body=data, headers=self.headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        return time.perf_counter() - start, resp.status, raw

    def json(self, method: str, path: str, body: Any = None,
             expect: int = 200) -> Any:
        _, status, raw = self.call(method, path, body)
        if status != expect:
            raise SystemExit(f'{method} {path}: {status} {raw[:300]!r}')
        return json.loads(raw) if raw else None

    def close(self) -> None:
        self.conn.close()


def issue_token(creds: dict) -> str:
    """A project-scoped token from a Keystone v3 password login."""
    from keystoneauth1 import loading, session

    plugin = loading.get_plugin_loader('password').load_from_options(
        **creds)
    return session.Session(auth=plugin).get_token()


def seed_hosts(client: Client, count: int, segments: int = 1,
               prefix: str = 'bench', names: list[str] | None = None
               ) -> list[str]:
    """``segments`` segments holding ``count`` hosts named like the
    simulator's (``<prefix>-0001``...) or ``names``, created through the
    REST API."""
    names = names or [f'{prefix}-{i:04d}' for i in range(1, count + 1)]
    uuids = [client.json('POST', '/v1/segments', {'segment': {
        'name': f'bench-seg-{s}', 'service_type': 'COMPUTE',
        'recovery_method': 'auto'}}, expect=201)['segment']['uuid']
        for s in range(segments)]
    for i, name in enumerate(names):
        client.json('POST', f'/v1/segments/{uuids[i % segments]}/hosts',
                    {'host': {'name': name, 'type': 'COMPUTE',
                              'control_attributes': 'SSH'}}, expect=201)
    return names


class CpuMeter:
    """CPU seconds (user + system) the server process used so far."""

    def __init__(self, pid: int | None) -> None:
        self.path = f'/proc/{pid}/stat' if pid else None
        self.ticks = os.sysconf('SC_CLK_TCK')

    def __call__(self) -> float | None:
        if not self.path or not os.path.exists(self.path):
            return None
        with open(self.path) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.ticks

    def since(self, start: float | None) -> float | None:
        end = self()
        return None if start is None or end is None else end - start


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (a service manager and its workers)."""
    pids, todo = [], [pid]
    while todo and len(pids) < 100:
        current = todo.pop()
        pids.append(current)
        for children in glob.glob(f'/proc/{current}/task/*/children'):
            try:
                with open(children) as f:
                    todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
    return pids


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by ``pid`` and its descendants."""
    return sum(CpuMeter(p)() or 0.0 for p in process_tree(pid))


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def figures(samples: list[float], wall: float) -> str:
    """Rate over the wall time of the series, p50/p99/max in ms."""
    return (f'{len(samples) / wall:7.1f} req/s   '
            f'p50 {statistics.median(samples) * 1000:6.2f} ms   '
            f'p99 {percentile(samples, 0.99) * 1000:6.2f} ms   '
            f'max {max(samples) * 1000:6.2f} ms')


def count_rows(db_url: str, uuids: list[str]) -> int:
    """How many of ``uuids`` are stored notifications (read directly)."""
    engine = sa.create_engine(db_url)
    try:
        table = sa.table('notifications', sa.column('notification_uuid'))
        found = 0
        with engine.connect() as conn:
            for i in range(0, len(uuids), 500):
                found += conn.execute(
                    sa.select(sa.func.count()).select_from(table).where(
                        table.c.notification_uuid.in_(uuids[i:i + 500]))
                ).scalar()
        return found
    finally:
        engine.dispose()


def statuses(db_url: str, uuids: list[str]) -> dict[str, int]:
    """Status counts of the given notifications (read directly)."""
    engine = sa.create_engine(db_url)
    try:
        table = sa.table('notifications', sa.column('notification_uuid'),
                         sa.column('status'))
        counts: dict[str, int] = {}
        with engine.connect() as conn:
            for i in range(0, len(uuids), 500):
                for status, n in conn.execute(
                        sa.select(table.c.status, sa.func.count())
                        .where(table.c.notification_uuid.in_(
                            uuids[i:i + 500]))
                        .group_by(table.c.status)):
                    counts[status] = counts.get(status, 0) + n
        return counts
    finally:
        engine.dispose()
