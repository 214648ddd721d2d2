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

"""Client side of the OpenStack test bed (tools/openstack-bed/): its env
file, Keystone tokens, the Nova calls the real tier and its benchmark make,
and killing/restarting the bed's nova-compute processes.

Standard library only; every wait is a bounded poll.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from typing import Any, Callable

from masakari.testing import waits

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ENV_VAR = 'MASAKARI_BED_ENV'
DEFAULT_ENV = os.path.join(REPO, '.openstack-bed', 'env')
HA = {'HA_Enabled': 'True'}
# Microversions: 2.74 pins a boot to a host; 2.59 filters migrations by
# instance; masakari's engine talks 2.53.
BOOT_VERSION = '2.74'
ENGINE_VERSION = '2.53'


class HttpError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f'HTTP {status}: {body}')
        self.status = status
        self.body = body


def env_path() -> str:
    return os.environ.get(ENV_VAR) or DEFAULT_ENV


def read_env(path: str) -> dict[str, str]:
    values = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith('export ') and '=' in line:
                key, _, raw = line[len('export '):].partition('=')
                values[key] = shlex.split(raw)[0] if raw else ''
    return values


def request(method: str, url: str, body: Any = None,
            headers: dict[str, str] | None = None,
            timeout: float = 120) -> tuple[int, dict, Any]:
    """(status, headers, parsed body); HTTP errors are returned, not
    raised."""
    data = None if body is None else json.dumps(body).encode()
    all_headers = {'Content-Type': 'application/json',
                   'Accept': 'application/json'}
    all_headers.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method,
                                 headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, resp_headers, raw = (resp.status, dict(resp.headers),
                                         resp.read())
    except urllib.error.HTTPError as err:
        status, resp_headers, raw = err.code, dict(err.headers), err.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors='replace')
    return status, resp_headers, parsed


def poll(check: Callable[[], Any], timeout: float, what: str,
         interval: float = 0.5) -> Any:
    """``check()``'s first true value; TimeoutError naming ``what`` when
    ``timeout`` seconds pass without one."""
    result = waits.poll(check, timeout, interval)
    if not result:
        raise TimeoutError(f'{what}: not after {timeout:.0f} s')
    return result


@dataclasses.dataclass
class Bed:
    env: dict[str, str]

    @classmethod
    def load(cls, path: str | None = None) -> Bed:
        return cls(read_env(path or env_path()))

    @property
    def auth_url(self) -> str:
        return self.env['MASAKARI_BED_AUTH_URL']

    @property
    def password(self) -> str:
        return self.env['MASAKARI_BED_PASSWORD']

    @property
    def nova_url(self) -> str:
        return self.env['MASAKARI_BED_NOVA_URL']

    @property
    def hosts(self) -> list[str]:
        return self.env['MASAKARI_BED_HOSTS'].split(',')

    @property
    def region(self) -> str:
        return self.env['MASAKARI_BED_REGION']

    # -- keystone ------------------------------------------------------
    def token(self, user: str, project: str,
              password: str | None = None) -> str:
        status, headers, body = request(
            'POST', self.auth_url + '/auth/tokens', {'auth': {
                'identity': {'methods': ['password'], 'password': {'user': {
                    'name': user, 'domain': {'id': 'default'},
                    'password': password or self.password}}},
                'scope': {'project': {'name': project,
                                      'domain': {'id': 'default'}}}}})
        if status != 201:
            raise HttpError(status, body)
        return headers['X-Subject-Token']

    def revoke(self, admin_token: str, token: str) -> None:
        status, _, body = request(
            'DELETE', self.auth_url + '/auth/tokens',
            headers={'X-Auth-Token': admin_token, 'X-Subject-Token': token})
        if status != 204:
            raise HttpError(status, body)

    def masakari_options(self) -> dict[str, dict[str, Any]]:
        """masakari.conf values that point masakari at the bed."""
        creds = {'auth_url': self.auth_url, 'username': 'masakari',
                 'password': self.password, 'project_name': 'service',
                 'user_domain_id': 'default', 'project_domain_id': 'default'}
        return {
            'DEFAULT': {
                'auth_strategy': 'keystone',
                'os_privileged_user_auth_url': self.auth_url,
                'os_privileged_user_name': 'masakari',
                'os_privileged_user_password': self.password,
                'os_privileged_user_tenant': 'service',
                'os_region_name': self.region,
            },
            'keystone_authtoken': dict(
                creds, auth_type='password',
                www_authenticate_uri=self.auth_url,
                region_name=self.region),
        }

    # -- tools ---------------------------------------------------------
    def _tool(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, self.env['MASAKARI_BED_TOOL'],
             '--dir', self.env['MASAKARI_BED_DIR'], *args],
            capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f'bed {args}: {result.stderr[-2000:]}')
        return result.stdout

    def kill_compute(self, host: str) -> None:
        """kill -9 the nova-compute of ``host`` (its fake VMs die too)."""
        self._tool('kill-compute', host)

    def start_compute(self, host: str) -> None:
        self._tool('start-compute', host)


class Nova:
    """Nova's REST API with one token (an admin's, for the tests)."""

    def __init__(self, bed: Bed, token: str) -> None:
        self.bed = bed
        self.token = token

    def call(self, method: str, path: str, body: Any = None,
             version: str = ENGINE_VERSION, ok: tuple[int, ...] = (
                 200, 201, 202, 204)) -> Any:
        status, _, parsed = request(
            method, self.bed.nova_url + path, body, {
                'X-Auth-Token': self.token,
                'OpenStack-API-Version': f'compute {version}'})
        if status not in ok:
            raise HttpError(status, parsed)
        return parsed

    def boot(self, host: str, count: int, metadata: dict | None = None,
             prefix: str = 'real') -> list[str]:
        """Boot ``count`` servers on ``host`` (one request), their ids."""
        name = f'{prefix}-{uuid.uuid4().hex[:6]}'
        body = {'server': {
            'name': name, 'imageRef': self.bed.env['MASAKARI_BED_IMAGE_ID'],
            'flavorRef': self.bed.env['MASAKARI_BED_FLAVOR'],
            'networks': 'none', 'host': host, 'min_count': count,
            'max_count': count, 'metadata': metadata or {}}}
        self.call('POST', '/servers', body, version=BOOT_VERSION)
        found = self.call('GET', f'/servers?name=^{name}')['servers']
        ids = [s['id'] for s in found]
        if len(ids) != count:
            raise RuntimeError(f'booted {len(ids)} of {count}: {found}')
        return ids

    def servers(self, ids: list[str]) -> dict[str, dict]:
        listing = self.call('GET', '/servers/detail?all_tenants=1')
        wanted = set(ids)
        return {s['id']: s for s in listing['servers'] if s['id'] in wanted}

    def wait_servers(self, ids: list[str], done: Callable[[dict], bool],
                     timeout: float, what: str,
                     interval: float = 1.0) -> dict[str, dict]:
        def check() -> dict[str, dict] | None:
            now = self.servers(ids)
            if len(now) == len(ids) and all(map(done, now.values())):
                return now
            return None
        return poll(check, timeout, what, interval=interval)

    def service(self, host: str) -> dict:
        found = self.call(
            'GET', f'/os-services?binary=nova-compute&host={host}')
        return found['services'][0]

    def update_service(self, host: str, body: dict) -> None:
        sid = self.service(host)['id']
        self.call('PUT', f'/os-services/{sid}', body)

    def delete_servers(self, ids: list[str], timeout: float = 180) -> None:
        for server_id in ids:
            self.call('DELETE', f'/servers/{server_id}', ok=(204, 404))
        poll(lambda: not self.servers(ids), timeout, 'servers deleted', 1.0)

    def evacuations(self, server_id: str) -> list[dict]:
        found = self.call(
            'GET', f'/os-migrations?migration_type=evacuation'
                   f'&instance_uuid={server_id}', version='2.59')
        return found['migrations']

    def restore_host(self, host: str, timeout: float = 240) -> None:
        """Bring a killed compute back: start it, clear forced_down, then
        enable (two calls: a single one leaves the disabled trait for up to
        a minute), and wait until Nova reports it up."""
        self.bed.start_compute(host)

        def force_up() -> bool:
            # Refused (400) until the restarted compute has cleaned up
            # after the servers evacuated from it.
            try:
                self.update_service(host, {'forced_down': False})
            except HttpError as err:
                if err.status != 400:
                    raise
                return False
            return True
        poll(force_up, timeout, f'force up {host}', 2.0)
        self.update_service(host, {'status': 'enabled'})
        poll(lambda: self.service(host)['state'] == 'up', timeout,
             f'nova-compute on {host} up', 2.0)


def host_of(server: dict) -> str:
    return server.get('OS-EXT-SRV-ATTR:host') or ''


def is_active(server: dict) -> bool:
    return server['status'] == 'ACTIVE' and not server.get(
        'OS-EXT-STS:task_state')
