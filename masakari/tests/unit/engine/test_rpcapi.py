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

"""EngineAPI over oslo.messaging's in-memory fake driver."""

import threading

import oslo_messaging as messaging
from oslo_messaging import conffixture
import pytest
from oslo_config import cfg

from masakari import context as masakari_context
from masakari.engine import rpcapi
from masakari import rpc


@pytest.fixture
def conf():
    fixture = conffixture.ConfFixture(cfg.CONF)
    fixture.setUp()
    fixture.transport_url = 'fake://'
    yield cfg.CONF
    fixture.cleanUp()


class Endpoint:
    target = messaging.Target(version='1.1')

    def __init__(self):
        self.processed = threading.Event()
        self.args = []

    def process_notification(self, context, notification_uuid):
        self.args.append((context.to_dict()['user'], notification_uuid))
        self.processed.set()

    def get_notification_recovery_workflow_details(self, context,
                                                   notification_uuid):
        return [{'name': 'StopInstanceTask', 'progress': 1.0,
                 'progress_details': [], 'state': 'SUCCESS',
                 'for': notification_uuid}]


def test_cast_and_call_round_trip(conf):
    endpoint = Endpoint()
    transport = messaging.get_rpc_transport(conf)
    target = messaging.Target(topic=rpcapi.DEFAULT_TOPIC, server='engine1',
                              exchange='masakari')
    server = messaging.get_rpc_server(transport, target, [endpoint],
                                      executor='threading',
                                      serializer=rpc.ContextSerializer())
    server.start()
    try:
        client = messaging.get_rpc_client(
            transport, messaging.Target(topic=rpcapi.DEFAULT_TOPIC,
                                        version='1.1', exchange='masakari'),
            serializer=rpc.ContextSerializer())
        api = rpcapi.EngineAPI(client=client)
        ctx = masakari_context.RequestContext(user_id='u1',
                                              project_id='p1')
        api.process_notification(ctx, 'n-1')
        assert endpoint.processed.wait(10)
        assert endpoint.args == [('u1', 'n-1')]
        details = api.get_notification_recovery_workflow_details(ctx, 'n-2')
        assert details[0]['for'] == 'n-2'
    finally:
        server.stop()
        server.wait()
        transport.cleanup()


def test_prepare_versions():
    calls = []

    class Client:
        def prepare(self, **kw):
            calls.append(kw)
            return self

        def cast(self, ctxt, method, **kw):
            calls.append((method, kw))

        def call(self, ctxt, method, **kw):
            calls.append((method, kw))
            return None

    api = rpcapi.EngineAPI(client=Client())
    api.process_notification(None, 'u')
    assert api.get_notification_recovery_workflow_details(None, 'u') is None
    assert calls == [
        # The cast must not block the API while the broker is down.
        {'version': '1.0', 'retry': 1},
        ('process_notification', {'notification_uuid': 'u'}),
        {'version': '1.1'},
        ('get_notification_recovery_workflow_details',
         {'notification_uuid': 'u'})]


def test_topic_default_and_override():
    conf = cfg.ConfigOpts()
    conf.register_opt(cfg.StrOpt('masakari_topic'))
    assert rpcapi.topic(conf) == 'ha_engine'
    conf.set_override('masakari_topic', 'other')
    assert rpcapi.topic(conf) == 'other'
