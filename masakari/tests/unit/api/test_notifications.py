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

"""/v1/notifications and /v1/notifications/{id}/vmoves."""


import oslo_messaging as messaging
import pytest


URL = '/v1/notifications'
INSTANCE = '96ab1c42-668c-4f2d-8689-afa3301d4ee9'
PAYLOADS = {
    'VM': {'event': 'LIFECYCLE', 'instance_uuid': INSTANCE,
           'vir_domain_event': 'STOPPED_FAILED'},
    'COMPUTE_HOST': {'event': 'STOPPED', 'host_status': 'NORMAL',
                     'cluster_status': 'ONLINE'},
    'PROCESS': {'event': 'STOPPED', 'process_name': 'nova-compute'},
}


@pytest.fixture
def hosts(client):
    seg = client.post('/v1/segments', {'segment': {
        'name': 's1', 'service_type': 'COMPUTE', 'recovery_method': 'auto'}})
    seg = seg.json['segment']
    url = f"/v1/segments/{seg['uuid']}/hosts"
    made = {}
    for name, extra in (('host1', {}), ('host2', {'on_maintenance': True})):
        resp = client.post(url, {'host': dict(
            name=name, type='COMPUTE', control_attributes='x', **extra)})
        made[name] = resp.json['host']
    return made


def body(type='VM', hostname='host1', generated_time='2026-11-22T01:00:00',
         payload=None):
    return {'notification': {
        'type': type, 'hostname': hostname, 'generated_time': generated_time,
        'payload': PAYLOADS[type] if payload is None else payload}}


def test_create(client, hosts, engine_api):
    resp = client.post(URL, body())
    assert resp.status == 202
    n = resp.json['notification']
    assert list(n) == ['id', 'notification_uuid', 'generated_time',
                       'source_host_uuid', 'type', 'payload', 'status',
                       'failover_segment_uuid', 'message', 'created_at',
                       'updated_at', 'deleted_at', 'deleted']
    assert n['status'] == 'new' and n['message'] is None
    assert n['updated_at'] is None
    assert n['source_host_uuid'] == hosts['host1']['uuid']
    assert n['failover_segment_uuid'] == \
        hosts['host1']['failover_segment_id']
    assert n['generated_time'] == '2026-11-22T01:00:00.000000'
    assert n['payload'] == PAYLOADS['VM']
    assert engine_api.casts == [n['notification_uuid']]


@pytest.mark.parametrize('ntype', ['COMPUTE_HOST', 'PROCESS'])
def test_create_other_types(client, hosts, ntype):
    assert client.post(URL, body(type=ntype)).status == 202


def test_generated_time_converted_to_utc(client, hosts):
    resp = client.post(URL, body(generated_time='2026-11-22T10:00:00+09:00'))
    assert resp.json['notification']['generated_time'] == \
        '2026-11-22T01:00:00.000000'


def test_duplicate(client, hosts):
    assert client.post(URL, body()).status == 202
    resp = client.post(URL, body())
    assert resp.fault() == ('conflictingRequest', 409,
                            'Notification received from host host1 of type '
                            'VM is duplicate.')
    # Outside the window, or another payload: accepted.
    assert client.post(URL, body(generated_time='2026-11-22T01:03:01')
                       ).status == 202
    other = dict(PAYLOADS['VM'], event='IO_ERROR')
    assert client.post(URL, body(payload=other)).status == 202


def test_on_maintenance(database, client, hosts, engine_api):
    resp = client.post(URL, body(hostname='host2'))
    assert resp.fault() == ('conflictingRequest', 409,
                            "Notification received from host host2 of type "
                            "'VM' is ignored as the host is already under "
                            "maintenance.")
    assert engine_api.casts == []
    assert database.notification_get_all_by_filters() == []


def test_unknown_host(client, hosts):
    resp = client.post(URL, body(hostname='nope'))
    assert resp.fault() == ('badRequest', 400,
                            'Host with name nope could not be found.')


def test_cast_failure_still_202(database, client, hosts, engine_api, caplog):
    engine_api.cast_error = messaging.MessageDeliveryFailure('down')
    resp = client.post(URL, body())
    assert resp.status == 202
    uuid = resp.json['notification']['notification_uuid']
    assert database.notification_get_by_uuid(uuid).status == 'new'
    assert 'could not be sent to the engine' in caplog.text


@pytest.mark.parametrize('notification,fragment', [
    ({'type': 'BAD', 'hostname': 'h', 'generated_time': '2026-01-01',
      'payload': {}}, "'BAD' is not one of"),
    ({'type': 'VM', 'hostname': 'h h', 'generated_time': '2026-01-01',
      'payload': {}}, 'Invalid input for field/attribute hostname'),
    ({'type': 'VM', 'hostname': 'h', 'generated_time': 'yesterday',
      'payload': {}}, "'yesterday' is not a 'date-time'"),
    ({'type': 'VM', 'hostname': 'h', 'generated_time': '2026-01-01',
      'payload': {'a': 1}}, "1 is not of type 'string'"),
    ({'type': 'VM', 'hostname': 'h', 'generated_time': '2026-01-01',
      'payload': {'a': {'b': 'c'}}}, 'is not of type'),
    ({'type': 'VM', 'hostname': 'h', 'generated_time': '2026-01-01',
      'payload': {'bad/key': 'x'}}, 'does not match any of the regexes'),
    ({'type': 'VM', 'hostname': 'h', 'generated_time': '2026-01-01'},
     "'payload' is a required property"),
    ({'type': None, 'hostname': 'h', 'generated_time': '2026-01-01',
      'payload': {}}, "None is not of type 'string'"),
])
def test_outer_schema(client, hosts, notification, fragment):
    resp = client.post(URL, {'notification': notification})
    name, code, message = resp.fault()
    assert code == 400
    assert fragment in message


@pytest.mark.parametrize('ntype,payload,message', [
    ('VM', {'event': 'LIFECYCLE', 'instance_uuid': INSTANCE},
     "'vir_domain_event' is a required property"),
    ('VM', dict(PAYLOADS['VM'], instance_uuid='abc'),
     "Invalid input for field/attribute instance_uuid. Value: abc. 'abc' is "
     "not a 'uuid'"),
    ('VM', dict(PAYLOADS['VM'], extra='x'),
     "Additional properties are not allowed ('extra' was unexpected)"),
    ('PROCESS', {'event': 'stopped', 'process_name': 'n'},
     "Invalid input for field/attribute event. Value: stopped. 'stopped' is "
     "not one of ['STARTED', 'STOPPED']"),
    ('PROCESS', {'event': 'STOPPED'},
     "'process_name' is a required property"),
    ('COMPUTE_HOST', {'host_status': 'NORMAL'},
     "'event' is a required property"),
    ('COMPUTE_HOST', {'event': 'STOPPED', 'host_status': 'normal'},
     "Invalid input for field/attribute host_status. Value: normal. "
     "'normal' is not one of ['NORMAL', 'UNKNOWN']"),
    ('COMPUTE_HOST', {'event': 'STOPPED', 'cluster_status': 'X'},
     "Invalid input for field/attribute cluster_status. Value: X. 'X' is "
     "not one of ['ONLINE', 'OFFLINE']"),
])
def test_payload_schema(client, hosts, ntype, payload, message):
    resp = client.post(URL, body(type=ntype, payload=payload))
    assert resp.fault() == ('badRequest', 400, message)


def test_show(client, hosts):
    n = client.post(URL, body()).json['notification']
    got = client.get(f"{URL}/{n['notification_uuid']}").json['notification']
    assert got == n
    for ident in ('abc', '00000000-0000-0000-0000-000000000000'):
        resp = client.get(f'{URL}/{ident}')
        assert resp.fault() == ('itemNotFound', 404,
                                f'No notification with id {ident}.')


def test_show_with_details_at_11(client, hosts, engine_api):
    n = client.post(URL, body()).json['notification']
    details = [{'name': 'StopInstanceTask', 'progress': 1.0,
                'progress_details': [{'timestamp': '2019-03-07 13:54:28',
                                      'progress': '0.0', 'message': 'm'}],
                'state': 'SUCCESS'}]
    engine_api.details[n['notification_uuid']] = details
    resp = client.get(f"{URL}/{n['notification_uuid']}", version='1.1')
    got = resp.json['notification']
    keys = list(got)
    assert keys[keys.index('status') + 1] == 'recovery_workflow_details'
    assert got['recovery_workflow_details'] == details
    listed = client.get(URL, version='1.3').json['notifications'][0]
    assert 'recovery_workflow_details' not in listed


def test_show_engine_down_is_503(client, hosts, engine_api):
    n = client.post(URL, body()).json['notification']
    engine_api.call_error = messaging.MessagingTimeout('no reply')
    resp = client.get(f"{URL}/{n['notification_uuid']}", version='1.3')
    assert resp.fault()[:2] == ('serviceUnavailable', 503)
    assert client.get(f"{URL}/{n['notification_uuid']}").status == 200


def test_list_filters(client, hosts):
    client.post(URL, body())
    client.post(URL, body(type='PROCESS',
                          generated_time='2026-11-22T05:00:00'))

    def types(query=''):
        resp = client.get(f'{URL}?{query}')
        assert resp.status == 200, resp
        return sorted(n['type'] for n in resp.json['notifications'])

    assert types() == ['PROCESS', 'VM']
    assert types('type=VM') == ['VM']
    assert types('status=new') == ['PROCESS', 'VM']
    assert types('status=finished') == []
    assert types(f"source_host_uuid={hosts['host1']['uuid']}") == \
        ['PROCESS', 'VM']
    assert types('generated-since=2026-11-22T02:00:00') == ['PROCESS']
    assert types('generated-since=2026-11-22T10:00:00%2B09:00') == \
        ['PROCESS', 'VM']
    assert types('generated_since=2030-01-01') == ['PROCESS', 'VM']
    assert types('limit=0') == []


def test_list_bad_generated_since(client, hosts):
    resp = client.get(f'{URL}?generated-since=soon')
    assert resp.fault() == ('badRequest', 400,
                            'Invalid generated-since value')


def make_vmoves(database, notification_uuid, count=2):
    made = []
    for i in range(count):
        made.append(database.vmove_create({
            'notification_uuid': notification_uuid,
            'instance_uuid': INSTANCE, 'instance_name': f'vm{i}',
            'source_host': 'host1', 'type': 'evacuation',
            'status': 'succeeded' if i else 'failed'}))
    return made


def test_vmoves(database, client, hosts):
    n = client.post(URL, body(type='COMPUTE_HOST')).json['notification']
    made = make_vmoves(database, n['notification_uuid'])
    url = f"{URL}/{n['notification_uuid']}/vmoves"
    listed = client.get(url).json['vmoves']
    assert len(listed) == 2
    assert list(listed[0]) == [
        'id', 'uuid', 'notification_uuid', 'instance_uuid', 'instance_name',
        'source_host', 'dest_host', 'start_time', 'end_time', 'type',
        'status', 'message', 'created_at', 'updated_at', 'deleted_at',
        'deleted']
    assert [v['instance_name'] for v in
            client.get(f'{url}?status=failed').json['vmoves']] == ['vm0']
    assert client.get(f'{url}?type=migration').json['vmoves'] == []
    shown = client.get(f'{url}/{made[0].uuid}').json['vmove']
    assert shown['instance_name'] == 'vm0'
    resp = client.get(f'{url}/abc')
    assert resp.fault() == ('itemNotFound', 404, 'No vm move with id abc.')


def test_vmoves_errors(database, client, hosts):
    vm = client.post(URL, body()).json['notification']
    host_n = client.post(URL, body(type='COMPUTE_HOST')).json['notification']
    other = make_vmoves(database, host_n['notification_uuid'], 1)[0]
    resp = client.get(f"{URL}/{vm['notification_uuid']}/vmoves")
    assert resp.fault() == (
        'badRequest', 400,
        f"This notification {vm['notification_uuid']} without vm moves.")
    for path in ('/vmoves', f'/vmoves/{other.uuid}'):
        resp = client.get(f'{URL}/nope{path}')
        assert resp.fault() == ('itemNotFound', 404,
                                'No notification with id nope.')
    # A vmove of another notification is not shown under this one.
    second = client.post(URL, body(type='COMPUTE_HOST',
                                   generated_time='2026-11-22T09:00:00'))
    second_uuid = second.json['notification']['notification_uuid']
    resp = client.get(f'{URL}/{second_uuid}/vmoves/{other.uuid}')
    assert resp.status == 404


def test_generated_in_year_one_is_accepted_twice_as_duplicate(client, hosts):
    """The duplicate window reaches before year 1: no overflow (a 500)."""
    first = client.post(URL, body(generated_time='0001-01-01T00:00:00'))
    assert first.status == 202
    again = client.post(URL, body(generated_time='0001-01-01T00:00:00'))
    assert again.status == 409
