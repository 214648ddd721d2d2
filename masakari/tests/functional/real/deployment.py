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

"""masakari-api (Keystone auth) and masakari-engine against the test bed."""

from __future__ import annotations

import json
import os
import types
import urllib.error
import urllib.request
from typing import Any

import pytest

from masakari.testing import openstack_bed
from masakari.tests.functional.engine import harness

REQUIRE_ENV = 'MASAKARI_TEST_REQUIRE_BACKENDS'
# Set by tools/run-tests.sh when it started the bed for the real tier.
REQUESTED_ENV = 'MASAKARI_TEST_OPENSTACK_BED'


def load_bed() -> openstack_bed.Bed:
    """The running bed; skip without one, fail when CI asked for it."""
    path = openstack_bed.env_path()
    if os.path.exists(path):
        return openstack_bed.Bed.load(path)
    message = (f'no OpenStack test bed ({path} missing; '
               'tools/openstack-bed/bed.sh start)')
    if (os.environ.get(REQUIRE_ENV) == '1'
            and os.environ.get(REQUESTED_ENV) == '1'):
        pytest.fail(message)
    pytest.skip(message)


def merge(*layers: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for layer in layers:
        for section, values in layer.items():
            out.setdefault(section, {}).update(values)
    return out


class RealDeployment(harness.Deployment):
    """The harness's API + engine, authenticating with real tokens.

    The API listens on the port the bed registered as the ``instance-ha``
    endpoint, so clients that read the catalog find it.
    """

    def __init__(self, bed: openstack_bed.Bed, token: str,
                 extra: dict[str, dict[str, Any]] | None = None) -> None:
        port = int(bed.env['MASAKARI_BED_MASAKARI_PORT'])
        creds = {'auth_url': bed.auth_url, 'username': 'masakari',
                 'password': bed.password, 'project_name': 'service'}
        sim = types.SimpleNamespace(credentials=creds, region=bed.region)
        os.environ.setdefault(harness.TRANSPORT_ENV,
                              bed.env['MASAKARI_BED_TRANSPORT_URL'])
        super().__init__(sim, extra=merge(
            bed.masakari_options(),
            {'DEFAULT': {'masakari_api_listen_port': port}},
            extra or {}))
        self.port = port
        self.endpoint = f'http://127.0.0.1:{port}'
        self.bed = bed
        self.token = token

    def request(self, method: str, path: str, body: Any = None,
                token: str | None = None,
                version: str = '1.3') -> tuple[int, Any]:
        """(status, body) of one API call with ``token`` (None: none)."""
        headers = {'OpenStack-API-Version': f'instance-ha {version}'}
        if token is not None:
            headers['X-Auth-Token'] = token
        status, _, parsed = openstack_bed.request(
            method, self.endpoint + path, body, headers)
        return status, parsed

    def call(self, method: str, path: str, body: dict | None = None,
             version: str = '1.3') -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.endpoint + '/v1' + path, data=data, method=method,
            headers={'Content-Type': 'application/json',
                     'OpenStack-API-Version': f'instance-ha {version}',
                     'X-Auth-Token': self.token})
        with urllib.request.urlopen(req, timeout=90) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def delete_segment(self, segment: dict) -> None:
        """Hosts, then the segment (host names are unique across
        segments, so each test removes its own)."""
        base = f"/segments/{segment['uuid']}"
        for host in self.call('GET', base + '/hosts')['hosts']:
            try:
                self.call('DELETE', f"{base}/hosts/{host['uuid']}")
            except urllib.error.HTTPError:
                pass
        try:
            self.call('DELETE', base)
        except urllib.error.HTTPError:
            pass
