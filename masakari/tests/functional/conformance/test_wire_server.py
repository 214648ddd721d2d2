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

"""The wire-conformance table replayed over HTTP against a real
``masakari-api`` process (noauth2, SQLite, Nova from the cloud simulator).

This catches what the in-process replay cannot: the status line and
headers as the production server writes them, HEAD handling, Content-Length
and keep-alive framing.
"""

from __future__ import annotations

import http.client
import json
from typing import Any, Iterator

import pytest

from masakari.db import api as db_api
from masakari.db import migration
from masakari.testing.cloud.simulator import CloudSimulator
from masakari.testing import api_server
from masakari.tests.unit.api import conformance_base as parts
from masakari.tests.unit.api import conformance_table as table
from masakari.tests.unit.api import fakes

pytestmark = pytest.mark.functional


class Reply:
    def __init__(self, resp: http.client.HTTPResponse, body: bytes) -> None:
        self.status = f'{resp.status} {resp.reason}'
        self.status_int = resp.status
        self.headers = {k.lower(): v for k, v in resp.getheaders()}
        self.body = body


@pytest.fixture(scope='module')
def server(tmp_path_factory: Any) -> Iterator[api_server.ApiServer]:
    workdir = tmp_path_factory.mktemp('conformance')
    url = f'sqlite:///{workdir}/masakari.sqlite'
    migration.db_sync(url=url, taskflow_connection=None)
    with CloudSimulator() as cloud:
        for i in range(10):
            cloud.add_host(f'host{i}')
        creds = cloud.credentials
        srv = api_server.ApiServer(str(workdir), url, extra={'DEFAULT': {
            'os_privileged_user_name': creds['username'],
            'os_privileged_user_password': creds['password'],
            'os_privileged_user_tenant': creds['project_name'],
            'os_privileged_user_auth_url': creds['auth_url'],
            'os_region_name': cloud.region,
        }}).start()
        try:
            yield srv
        finally:
            code = srv.stop()
            assert code == 0, srv.log()


@pytest.fixture(scope='module')
def server_db(server: api_server.ApiServer) -> Iterator[Any]:
    """The DB API on the server's database."""
    db = db_api.DBAPI(db_api.Database(server.db_url))
    yield db
    db.dispose()


@pytest.fixture
def world(server_db: Any) -> Iterator[dict[str, str]]:
    table.clear_world(server_db)
    yield table.build_world(server_db)


@pytest.fixture(scope='module')
def conn(server: api_server.ApiServer) -> Iterator[Any]:
    """One keep-alive connection, like the clients use."""
    holder = {'conn': None}

    def get() -> http.client.HTTPConnection:
        if holder['conn'] is None:
            holder['conn'] = http.client.HTTPConnection(
                '127.0.0.1', server.port, timeout=30)
        return holder['conn']

    def reset() -> None:
        if holder['conn'] is not None:
            holder['conn'].close()
        holder['conn'] = None

    yield get, reset
    reset()


def send(conn: Any, method: str, path: str, names: dict[str, str],
         body: Any = None, raw: bytes | None = None,
         version: str | None = None,
         headers: dict[str, str] | None = None) -> Reply:
    get, reset = conn
    hdrs = dict(fakes.ADMIN_HEADERS)
    if version is not None:
        hdrs['OpenStack-API-Version'] = f'instance-ha {version}'
    data = raw
    if raw is None and body is not None:
        data = table.fill(json.dumps(body), names).encode()
        hdrs['Content-Type'] = 'application/json'
    hdrs.update(headers or {})
    if data is not None:
        hdrs['Content-Length'] = str(len(data))
    c = get()
    c.request(method, table.fill(path, names), body=data, headers=hdrs)
    resp = c.getresponse()
    reply = Reply(resp, resp.read())
    if resp.will_close:
        reset()
    return reply


@pytest.mark.parametrize('ex', table.ALL, ids=str)
def test_exchange_over_http(server: api_server.ApiServer, conn: Any,
                            world: dict[str, str],
                            ex: parts.Exchange) -> None:
    for method, path, body in ex.setup:
        assert send(conn, method, path, world, body=body).status_int < 300
    resp = send(conn, ex.method, ex.path, world, body=ex.json, raw=ex.raw,
                version=ex.version, headers=ex.req_headers)
    assert resp.status == ex.status, resp.body[:500]
    for header, expected in ex.headers.items():
        assert resp.headers.get(header.lower()) == expected, (
            header, resp.headers)
    v1 = ex.path == '/v1' or ex.path.startswith('/v1/')
    if v1 and ex.method != 'OPTIONS':
        assert parts.REQUEST_ID_RE.match(
            resp.headers.get('x-openstack-request-id', '')), resp.headers
    if ex.body is not None:
        # Version links carry the real host:port.
        text = resp.body.decode().replace(server.url, 'http://localhost')
        assert (parts.normalise(text, world) ==
                parts.normalise(ex.body, {}))
    if resp.status_int == 204 or ex.method == 'HEAD':
        assert resp.body == b''
    if v1 and resp.status_int == 204:
        assert resp.headers['content-length'] == '0'
    elif resp.status_int != 204 and ex.method != 'HEAD':
        assert int(resp.headers['content-length']) == len(resp.body)
    assert 'location' not in resp.headers
