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

"""One real masakari-api (noauth2) per backend, checking hosts against the
cloud simulator's Nova."""

import pytest

from masakari.db import migration
from masakari.testing.cloud.simulator import CloudSimulator
from masakari.tests.fixtures.database import BACKENDS
from masakari.tests.fixtures.database import TestDatabase
from masakari.testing import api_server

COMPUTE_HOSTS = [f'compute{i}' for i in range(1, 6)]


@pytest.fixture(scope='module')
def cloud():
    with CloudSimulator() as sim:
        for name in COMPUTE_HOSTS:
            sim.add_host(name)
        yield sim


@pytest.fixture(scope='module', params=BACKENDS)
def api(request, cloud, tmp_path_factory):
    database = TestDatabase(request.param)
    try:
        migration.db_sync(url=database.url, taskflow_connection=None)
        workdir = tmp_path_factory.mktemp('api')
        creds = cloud.credentials
        server = api_server.ApiServer(str(workdir), database.url, extra={
            'DEFAULT': {
                'os_privileged_user_name': creds['username'],
                'os_privileged_user_password': creds['password'],
                'os_privileged_user_tenant': creds['project_name'],
                'os_privileged_user_auth_url': creds['auth_url'],
                'os_region_name': cloud.region,
                'rpc_response_timeout': '2',
            }}).start()
        try:
            yield server
        finally:
            code = server.stop()
            assert code == 0, server.log()
    finally:
        database.drop()
