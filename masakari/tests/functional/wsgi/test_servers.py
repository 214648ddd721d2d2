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

"""``masakari.wsgi.api:application`` under real gunicorn and uwsgi.

Each server is started on a free loopback port with two processes and
threads, driven with a few requests, then stopped with SIGTERM. A missing
server package skips the test unless MASAKARI_TEST_REQUIRE_BACKENDS=1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from masakari.db import migration
from masakari.testing import api_server
from masakari.testing import waits

pytestmark = pytest.mark.functional

BIN = os.path.dirname(sys.executable)
APP = 'masakari.wsgi.api:application'
REQUIRE_ENV = 'MASAKARI_TEST_REQUIRE_BACKENDS'


def gunicorn_command(port: int, workdir: str) -> list[str]:
    return [os.path.join(BIN, 'gunicorn'), '--worker-class', 'gthread',
            '--workers', '2', '--threads', '4', '--graceful-timeout', '10',
            '--bind', f'127.0.0.1:{port}', '--chdir', api_server.REPO, APP]


def uwsgi_command(port: int, workdir: str) -> list[str]:
    module, callable_ = APP.split(':')
    return [os.path.join(BIN, 'uwsgi'), '--http-socket',
            f'127.0.0.1:{port}', '--home', sys.prefix, '--chdir',
            api_server.REPO, '--module', module, '--callable', callable_,
            '--master', '--processes', '2', '--threads', '4',
            '--enable-threads', '--die-on-term', '--need-app',
            '--lazy-apps']


SERVERS = {'gunicorn': gunicorn_command, 'uwsgi': uwsgi_command}


def _call(url: str, method: str = 'GET', body: dict | None = None
          ) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={
        'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b'{}')
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b'{}')


class WsgiServer:
    """One WSGI server process serving masakari-api's application."""

    def __init__(self, name: str, workdir: str, db_url: str) -> None:
        self.name = name
        self.config = api_server.ApiServer(workdir, db_url)
        self.log_path = os.path.join(workdir, f'{name}.log')
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return self.config.url

    def start(self, timeout: float = 60.0) -> WsgiServer:
        for _ in range(3):  # the free port may be taken in between
            self.config.port = waits.free_port()
            env = dict(os.environ,
                       MASAKARI_CONFIG_FILES=self.config.write_config())
            command = SERVERS[self.name](self.config.port,
                                         self.config.workdir)
            with open(self.log_path, 'ab') as log:
                self.proc = subprocess.Popen(
                    command, cwd=api_server.REPO, env=env, stdout=log,
                    stderr=subprocess.STDOUT)
            if waits.poll(
                    lambda: self.config.ready() or
                    self.proc.poll() is not None, timeout) and \
                    self.proc.poll() is None:
                return self
            self.stop()
        raise RuntimeError(f'{self.name} did not start: {self.log()}')

    def stop(self, timeout: float = 30.0) -> int | None:
        proc, self.proc = self.proc, None
        return api_server.terminate(proc, timeout)

    def log(self) -> str:
        with open(self.log_path, errors='replace') as f:
            return f.read()


def _require(name: str) -> None:
    if os.path.exists(os.path.join(BIN, name)):
        return
    message = f'{name} is not installed (pip install {name})'
    if os.environ.get(REQUIRE_ENV) == '1':
        pytest.fail(message)
    pytest.skip(message)


@pytest.mark.parametrize('name', sorted(SERVERS))
def test_application_serves_under(name, tmp_path):
    _require(name)
    url = f'sqlite:///{tmp_path}/w.sqlite'
    migration.db_sync(url=url, taskflow_connection=None)
    server = WsgiServer(name, str(tmp_path), url).start()
    try:
        status, doc = _call(server.url + '/')
        assert status == 200 and doc['versions'][0]['id'] == 'v1.0'
        status, doc = _call(server.url + '/v1/segments', 'POST', {
            'segment': {'name': f'{name}-seg', 'service_type': 'COMPUTE',
                        'recovery_method': 'auto'}})
        assert status == 201, (doc, server.log())
        uuid = doc['segment']['uuid']
        # Several requests, so both worker processes are likely used.
        for _ in range(6):
            status, doc = _call(server.url + '/v1/segments')
            assert status == 200
            assert [s['uuid'] for s in doc['segments']] == [uuid]
        status, doc = _call(server.url + f'/v1/segments/{uuid}/hosts')
        assert status == 200 and doc == {'hosts': []}
        status, doc = _call(server.url + '/v1/segments/nope')
        assert status == 404
        assert doc['itemNotFound']['code'] == 404
        status, _ = _call(server.url + '/v1/segments', 'POST', {'x': 1})
        assert status == 400
    finally:
        code = server.stop()
    assert code == 0, server.log()
