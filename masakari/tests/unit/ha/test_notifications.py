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

"""Notification intake: delay, lock, cast hand-off, duplicates."""

import datetime
import threading

import pytest

from masakari import exception
from masakari.ha import notifications as ha
from masakari.tests.unit.api import fakes

PAYLOAD = {'event': 'STOPPED', 'host_status': 'NORMAL'}


@pytest.fixture
def host(conf, database):
    seg = database.failover_segment_create({'name': 's', 'service_type': 'C',
                                            'recovery_method': 'auto'})
    return database.host_create({'name': 'host1', 'type': 'C',
                                 'control_attributes': '',
                                 'failover_segment_id': seg.uuid})


def data(**kw):
    values = {'type': 'COMPUTE_HOST', 'hostname': 'host1',
              'generated_time': datetime.datetime(2026, 11, 22, 1),
              'payload': PAYLOAD}
    values.update(kw)
    return values


def make_intake(conf, database, **kw):
    sleeps = []
    engine = fakes.FakeEngineAPI()
    kw.setdefault('background_casts', False)
    intake = ha.Intake(conf=conf, db=database, engine_api=engine, sleep=sleeps.append,
                       rand=lambda low, high: high / 2, **kw)
    return intake, engine, sleeps


def test_no_delay_by_default(database, conf, host):
    intake, engine, sleeps = make_intake(conf, database)
    n = intake.create(None, data())
    assert sleeps == []
    assert engine.casts == [n.notification_uuid]
    assert n.failover_segment_uuid == host.failover_segment_id


def test_operator_delay_still_applies(database, conf, host):
    conf.set_override('notification_delay_max', 4)
    intake, engine, sleeps = make_intake(conf, database)
    intake.create(None, data())
    assert sleeps == [2.0]


def test_delay_skipped_with_coordination(database, conf, host, tmp_path):
    conf.set_override('notification_delay_max', 4)
    conf.set_override('backend_url', f'file://{tmp_path}',
                      group='coordination')
    try:
        intake, engine, sleeps = make_intake(conf, database)
        intake.create(None, data())
        assert sleeps == []
        assert len(engine.casts) == 1
        with pytest.raises(exception.DuplicateNotification):
            intake.create(None, data())
        intake.stop()
    finally:
        conf.clear_override('backend_url', group='coordination')


def test_row_committed_before_cast(database, conf, host):
    seen = []

    class Engine(fakes.FakeEngineAPI):
        def process_notification(self, context, notification_uuid):
            seen.append(database.notification_get_by_uuid(notification_uuid).status)

    intake = ha.Intake(conf=conf, db=database, engine_api=Engine(),
                       background_casts=False)
    intake.create(None, data())
    assert seen == ['new']


def test_background_cast_after_commit(database, conf, host):
    seen = []

    class Engine(fakes.FakeEngineAPI):
        def process_notification(self, context, notification_uuid):
            seen.append(database.notification_get_by_uuid(notification_uuid).status)
            super().process_notification(context, notification_uuid)

    engine = Engine()
    intake = ha.Intake(conf=conf, db=database, engine_api=engine)
    n = intake.create(None, data())
    assert intake.caster.flush(10)
    assert engine.casts == [n.notification_uuid]
    assert seen == ['new']
    intake.stop()


def test_stop_sends_queued_casts(database, conf, host):
    gate = threading.Event()

    class Engine(fakes.FakeEngineAPI):
        def process_notification(self, context, notification_uuid):
            gate.wait(10)
            super().process_notification(context, notification_uuid)

    engine = Engine()
    intake = ha.Intake(conf=conf, db=database, engine_api=engine)
    first = intake.create(None, data())
    second = intake.create(None, data(type='VM', payload={
        'event': 'LIFECYCLE', 'instance_uuid': '1b1a4c5e-6f36-4a4c-9d46-0c1b8b7b7e40',
        'vir_domain_event': 'STOPPED_FAILED'}))
    assert engine.casts == []
    gate.set()
    intake.stop(timeout=10)
    assert engine.casts == [first.notification_uuid, second.notification_uuid]


def test_cast_failure_keeps_row(database, conf, host, caplog):
    intake, engine, _ = make_intake(conf, database)
    engine.cast_error = RuntimeError('broker down')
    n = intake.create(None, data())
    assert database.notification_get_by_uuid(n.notification_uuid).status == 'new'
    assert 'periodic task will pick it up' in caplog.text


def test_concurrent_duplicates_accept_exactly_one(database, conf, host):
    intake, engine, _ = make_intake(conf, database)
    results = []
    barrier = threading.Barrier(6)

    def worker():
        barrier.wait()
        try:
            intake.create(None, data())
            results.append('ok')
        except exception.DuplicateNotification:
            results.append('dup')

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ['dup'] * 5 + ['ok']
    assert len(database.notification_get_all_by_filters()) == 1


def test_unknown_host_and_maintenance(database, conf, host):
    intake, engine, _ = make_intake(conf, database)
    with pytest.raises(exception.InvalidInput) as exc:
        intake.create(None, data(hostname='nope'))
    assert str(exc.value) == 'Host with name nope could not be found.'
    database.host_update(host.uuid, {'on_maintenance': True})
    with pytest.raises(exception.HostOnMaintenanceError):
        intake.create(None, data(type='VM'))
    assert engine.casts == []


def test_default_engine_api_is_rpc_client(conf):
    import oslo_messaging as messaging
    messaging.get_rpc_transport(conf, url='fake://').cleanup()
    conf.set_override('transport_url', 'fake://')
    try:
        from masakari.engine import rpcapi
        intake = ha.Intake(conf=conf, db=None)
        assert isinstance(intake.engine_api, rpcapi.EngineAPI)
    finally:
        conf.clear_override('transport_url')
        intake.transports.cleanup()
