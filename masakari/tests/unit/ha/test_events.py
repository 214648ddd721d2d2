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

"""Versioned notifications around segment/host/notification changes."""

import oslo_messaging as messaging
import pytest
from oslo_messaging.notify import _impl_test

from masakari import notifications
from masakari import rpc

SEGMENT = {'segment': {'name': 's1', 'service_type': 'COMPUTE',
                       'recovery_method': 'auto'}}


@pytest.fixture
def sent(conf):
    messaging.get_notification_transport(conf, url='fake://').cleanup()
    conf.set_override('transport_url', 'fake://')
    conf.set_override('driver', ['test'],
                      group='oslo_messaging_notifications')
    _impl_test.reset()
    yield _impl_test.NOTIFICATIONS
    _impl_test.reset()
    conf.clear_override('driver', group='oslo_messaging_notifications')
    conf.clear_override('transport_url')


def events(sent):
    return [(n[1]['event_type'], n[1]['priority']) for n in sent]


def payload(sent, index):
    return sent[index][1]['payload']


def test_disabled_without_driver(client):
    _impl_test.reset()
    client.post('/v1/segments', SEGMENT)
    assert _impl_test.NOTIFICATIONS == []


def test_segment_lifecycle_events(client, sent):
    uuid = client.post('/v1/segments', SEGMENT).json['segment']['uuid']
    client.put(f'/v1/segments/{uuid}', {'segment': {'name': 's2'}})
    client.delete(f'/v1/segments/{uuid}')
    assert events(sent) == [
        ('segment.create.start', 'INFO'), ('segment.create.end', 'INFO'),
        ('segment.update.start', 'INFO'), ('segment.update.end', 'INFO'),
        ('segment.delete.start', 'INFO'), ('segment.delete.end', 'INFO')]
    body = payload(sent, 0)
    assert body['masakari_object.name'] == 'SegmentApiPayload'
    assert body['masakari_object.version'] == '1.1'
    data = body['masakari_object.data']
    assert 'id' not in data and 'uuid' not in data
    assert data['fault'] is None
    assert payload(sent, 2)['masakari_object.data']['name'] == 's2'
    assert sent[0][1]['publisher_id'].startswith('masakari-api:')
    assert sent[0][0]['user'] == 'admin-user'


def test_create_error_event(client, sent):
    client.post('/v1/segments', SEGMENT)
    resp = client.post('/v1/segments', SEGMENT)
    assert resp.status == 409
    assert events(sent)[-1] == ('segment.create.error', 'ERROR')
    fault = payload(sent, -1)['masakari_object.data']['fault']
    assert fault['masakari_object.data']['exception'] == \
        'FailoverSegmentExists'


def test_host_and_notification_events(client, sent):
    uuid = client.post('/v1/segments', SEGMENT).json['segment']['uuid']
    client.post(f'/v1/segments/{uuid}/hosts', {'host': {
        'name': 'host1', 'type': 'C', 'control_attributes': ''}})
    client.post('/v1/notifications', {'notification': {
        'type': 'PROCESS', 'hostname': 'host1',
        'generated_time': '2026-01-01T00:00:00',
        'payload': {'event': 'STOPPED', 'process_name': 'x'}}})
    names = [e for e, _ in events(sent)]
    assert 'host.create.start' in names and 'host.create.end' in names
    assert names[-2:] == ['notification.create.start',
                          'notification.create.end']
    host_data = payload(sent, names.index('host.create.end'))[
        'masakari_object.data']
    assert host_data['failover_segment']['masakari_object.name'] == \
        'FailoverSegment'
    n_data = payload(sent, -1)['masakari_object.data']
    assert n_data['generated_time'] == '2026-01-01T00:00:00Z'
    assert n_data['status'] == 'new'


def test_emit_never_raises(conf, monkeypatch):
    monkeypatch.setattr(rpc, 'notifications_enabled', lambda conf: True)
    emitter = notifications.Emitter(rpc.Transports(conf))

    def broken(binary):
        raise messaging.MessagingException('no transport')

    monkeypatch.setattr(emitter, '_notifier', broken)
    emitter.emit(None, 'segment', 'create', 'start', {'name': 'x'})


def test_each_service_has_its_own_emitter(conf):
    """Two emitters (two services) never share notifiers or transports."""
    one = notifications.Emitter(rpc.Transports(conf))
    two = notifications.Emitter(rpc.Transports(conf))
    assert one.transports is not two.transports
    assert one._notifiers is not two._notifiers


def test_exception_payload():
    try:
        raise ValueError('bad')
    except ValueError as exc:
        data = notifications.exception_payload(exc)['masakari_object.data']
    assert data['exception'] == 'ValueError'
    assert data['exception_message'] == 'bad'
    assert data['function_name'] == 'test_exception_payload'
    assert 'Traceback' in data['traceback']


def test_duplicate_notification_emits_nothing(client, sent):
    uuid = client.post('/v1/segments', SEGMENT).json['segment']['uuid']
    client.post(f'/v1/segments/{uuid}/hosts', {'host': {
        'name': 'host1', 'type': 'C', 'control_attributes': ''}})
    body = {'notification': {
        'type': 'PROCESS', 'hostname': 'host1',
        'generated_time': '2026-01-01T00:00:00',
        'payload': {'event': 'STOPPED', 'process_name': 'x'}}}
    assert client.post('/v1/notifications', body).status == 202
    count = len(sent)
    assert client.post('/v1/notifications', body).status == 409
    assert len(sent) == count


def test_failed_notification_insert_emits_error(client, sent, database,
                                                monkeypatch):
    uuid = client.post('/v1/segments', SEGMENT).json['segment']['uuid']
    client.post(f'/v1/segments/{uuid}/hosts', {'host': {
        'name': 'host1', 'type': 'C', 'control_attributes': ''}})

    def broken(hostname, values, duplicate_window=None, check_host=None):
        raise RuntimeError('database went away')

    monkeypatch.setattr(database, 'notification_create_for_host', broken)
    resp = client.post('/v1/notifications', {'notification': {
        'type': 'PROCESS', 'hostname': 'host1',
        'generated_time': '2026-01-01T00:00:00',
        'payload': {'event': 'STOPPED', 'process_name': 'x'}}})
    assert resp.status == 500
    assert events(sent)[-2:] == [('notification.create.start', 'INFO'),
                                 ('notification.create.error', 'ERROR')]
