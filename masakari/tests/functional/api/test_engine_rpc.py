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

"""API <-> engine hand-off over a real RabbitMQ (MASAKARI_TEST_TRANSPORT_URL).

A stand-in engine RPC server runs in the test process: the API's cast must
reach it, and ``openstack notification create`` (microversion 1.3, which
shows the notification with its recovery workflow details) must work.
"""

import json
import os
import subprocess
import sys
import threading
import uuid

import oslo_messaging as messaging
import pytest
from oslo_config import cfg
from oslo_messaging import conffixture

from masakari.db import api as db_api
from masakari.db import migration
from masakari import rpc
from masakari.testing import api_server

pytestmark = pytest.mark.functional

OPENSTACK = os.path.join(os.path.dirname(sys.executable), 'openstack')
DETAILS = [{'name': 'DisableComputeServiceTask', 'progress': 1.0,
            'progress_details': [{'timestamp': '2026-11-22 01:00:00.000001',
                                  'progress': '1.0', 'message': 'done'}],
            'state': 'SUCCESS'}]


def transport_url():
    url = os.environ.get('MASAKARI_TEST_TRANSPORT_URL')
    if not url:
        message = 'MASAKARI_TEST_TRANSPORT_URL not set: no RabbitMQ'
        if os.environ.get('MASAKARI_TEST_REQUIRE_BACKENDS') == '1':
            pytest.fail(message)
        pytest.skip(message)
    return url


class StandInEngine:
    target = messaging.Target(version='1.1')

    def __init__(self):
        self.cast = threading.Event()
        self.received = []

    def process_notification(self, context, notification_uuid):
        self.received.append(notification_uuid)
        self.cast.set()

    def get_notification_recovery_workflow_details(self, context,
                                                   notification_uuid):
        return DETAILS


# Topic and exchange of this module's own: RabbitMQ names the topic queue
# after the topic alone, and other tests may run engines on the same broker.
TOPIC = 'ha_engine-rpc-' + uuid.uuid4().hex[:8]
EXCHANGE = 'masakari-rpc-' + uuid.uuid4().hex[:8]


@pytest.fixture
def engine():
    url = transport_url()
    fixture = conffixture.ConfFixture(cfg.CONF)
    fixture.setUp()
    fixture.transport_url = url
    transport = messaging.get_rpc_transport(cfg.CONF)
    endpoint = StandInEngine()
    server = messaging.get_rpc_server(
        transport, messaging.Target(topic=TOPIC, server='stand-in',
                                    exchange=EXCHANGE),
        [endpoint], executor='threading', serializer=rpc.ContextSerializer())
    server.start()
    yield endpoint, server
    try:
        server.stop()
        server.wait()
    except Exception:  # noqa: BLE001,S110 - already stopped by the test
        pass
    transport.cleanup()
    fixture.cleanUp()


@pytest.fixture
def api(tmp_path, cloud):
    url = f'sqlite:///{tmp_path}/m.sqlite'
    migration.db_sync(url=url, taskflow_connection=None)
    creds = cloud.credentials
    server = api_server.ApiServer(str(tmp_path), url, extra={'DEFAULT': {
        'transport_url': transport_url(), 'rpc_response_timeout': '3',
        'masakari_topic': TOPIC, 'control_exchange': EXCHANGE,
        'os_privileged_user_name': creds['username'],
        'os_privileged_user_password': creds['password'],
        'os_privileged_user_tenant': creds['project_name'],
        'os_privileged_user_auth_url': creds['auth_url'],
        'os_region_name': cloud.region}}).start()
    yield server
    assert server.stop() == 0, server.log()


def cli(api, *args):
    return subprocess.run([OPENSTACK, '--os-auth-type', 'none',
                           '--os-endpoint', api.url + '/v1', *args],
                          capture_output=True, text=True, timeout=120)


def test_cast_and_details_over_rabbitmq(api, engine):
    endpoint, server = engine
    seg = json.loads(cli(api, 'segment', 'create', 'rpc-seg', 'auto',
                         'COMPUTE', '-f', 'json').stdout)
    made = cli(api, 'segment', 'host', 'create', 'compute1', 'COMPUTE',
               'SSH', seg['uuid'])
    assert made.returncode == 0, made.stderr
    payload = json.dumps({'event': 'STOPPED', 'host_status': 'NORMAL'})
    proc = cli(api, 'notification', 'create', 'COMPUTE_HOST', 'compute1',
               '2026-11-22T01:00:00.000', payload, '-f', 'json')
    assert proc.returncode == 0, proc.stderr
    shown = json.loads(proc.stdout)
    assert shown['recovery_workflow_details'][0]['name'] == \
        'DisableComputeServiceTask'
    assert endpoint.cast.wait(30)
    assert endpoint.received == [shown['notification_uuid']]
    # Engine gone: details are unavailable (503), the row is still there.
    server.stop()
    server.wait()
    proc = cli(api, 'notification', 'show', shown['notification_uuid'])
    assert proc.returncode != 0
    assert 'engine did not answer' in proc.stderr
    db = db_api.DBAPI(db_api.Database(api.db_url))
    try:
        row = db.notification_get_by_uuid(shown['notification_uuid'])
        assert row.status == 'new'
    finally:
        db.dispose()
