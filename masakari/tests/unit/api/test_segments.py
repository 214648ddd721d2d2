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

"""/v1/segments."""

import datetime

import pytest


URL = '/v1/segments'


def body(**kw):
    seg = {'name': 's1', 'service_type': 'COMPUTE',
           'recovery_method': 'auto'}
    seg.update(kw)
    return {'segment': seg}


def make(client, **kw):
    resp = client.post(URL, body(**kw), version='1.2')
    assert resp.status == 201, resp
    return resp.json['segment']


def mark_in_use(database, client, segment, host_name='host1', status='new'):
    host = client.post(f"{URL}/{segment['uuid']}/hosts", {'host': {
        'name': host_name, 'type': 'COMPUTE', 'control_attributes': 'x'}})
    assert host.status == 201, host
    database.notification_create({
        'type': 'VM', 'generated_time': datetime.datetime(2026, 1, 1),
        'source_host_uuid': host.json['host']['uuid'], 'payload': {},
        'status': status, 'failover_segment_uuid': segment['uuid']})
    return host.json['host']


def test_create_representation(client):
    resp = client.post(URL, body(description='d'))
    assert resp.status == 201
    seg = resp.json['segment']
    assert list(seg) == ['id', 'uuid', 'name', 'service_type', 'enabled',
                         'description', 'recovery_method', 'created_at',
                         'updated_at', 'deleted_at', 'deleted']
    assert seg['enabled'] is True and seg['deleted'] is False
    assert seg['description'] == 'd'
    assert seg['created_at'].endswith('.000000')
    assert seg['updated_at'] is None
    assert 'Location' not in resp.headers


@pytest.mark.parametrize('segment,fragment', [
    ({'service_type': 'C', 'recovery_method': 'auto'},
     "'name' is a required property"),
    ({'name': 'a', 'recovery_method': 'auto'},
     "'service_type' is a required property"),
    ({'name': 'a', 'service_type': 'C'},
     "'recovery_method' is a required property"),
    ({'name': '', 'service_type': 'C', 'recovery_method': 'auto'},
     'Invalid input for field/attribute name.'),
    ({'name': 'x' * 256, 'service_type': 'C', 'recovery_method': 'auto'},
     'is too long'),
    ({'name': ' a', 'service_type': 'C', 'recovery_method': 'auto'},
     "An invalid 'name' value was provided."),
    ({'name': 'a', 'service_type': 'C ', 'recovery_method': 'auto'},
     "An invalid 'name' value was provided."),
    ({'name': 'a', 'service_type': 'C', 'recovery_method': 'bogus'},
     "'bogus' is not one of"),
    ({'name': 5, 'service_type': 'C', 'recovery_method': 'auto'},
     "5 is not of type 'string'"),
    ({'name': 'a', 'service_type': 'C', 'recovery_method': 'auto',
      'description': 'a\tb'}, 'Invalid input for field/attribute description'),
    ({'name': 'a', 'service_type': 'C', 'recovery_method': 'auto',
      'x': 1}, "Additional properties are not allowed ('x' was unexpected)"),
    ({'name': 'a', 'service_type': 'C', 'recovery_method': 'auto',
      'enabled': False}, "('enabled' was unexpected)"),
])
def test_create_schema_errors(client, segment, fragment):
    resp = client.post(URL, {'segment': segment})
    name, code, message = resp.fault()
    assert (name, code) == ('badRequest', 400)
    assert fragment in message


def test_create_extra_top_level_key(client):
    resp = client.post(URL, dict(body(), extra=1))
    assert resp.fault()[2] == \
        "Additional properties are not allowed ('extra' was unexpected)"


def test_description_allows_newline_and_null(client):
    assert make(client, description='a\nb ')['description'] == 'a\nb '
    assert make(client, name='s2', description=None)['description'] is None


@pytest.mark.parametrize('value,expected', [
    (False, False), ('off', False), ('no', False), ('0', False),
    ('True', True), ('yes', True), (True, True),
])
def test_create_enabled_at_12(client, value, expected):
    assert make(client, enabled=value)['enabled'] is expected


@pytest.mark.parametrize('value', [1, None, 'maybe'])
def test_create_enabled_invalid(client, value):
    resp = client.post(URL, body(enabled=value), version='1.2')
    assert resp.status == 400


def test_create_duplicate_name(client):
    make(client)
    resp = client.post(URL, body())
    assert resp.fault() == ('conflictingRequest', 409,
                            'Failover segment with name s1 already exists.')


def test_name_reusable_after_delete(client):
    seg = make(client)
    assert client.delete(f"{URL}/{seg['uuid']}").status == 204
    assert make(client)['name'] == 's1'


def test_show(client):
    seg = make(client)
    assert client.get(f"{URL}/{seg['uuid']}").json['segment'] == seg


@pytest.mark.parametrize('ident', [
    '00000000-0000-0000-0000-000000000000', 'abc', 'UPPER'])
def test_show_not_found(client, ident):
    resp = client.get(f'{URL}/{ident}')
    assert resp.fault() == ('itemNotFound', 404,
                            f'No failover segment with id {ident}.')


def test_show_uppercase_uuid_is_404(client):
    seg = make(client)
    resp = client.get(f"{URL}/{seg['uuid'].upper()}")
    assert resp.status == 404


def test_update(client):
    seg = make(client)
    resp = client.put(f"{URL}/{seg['uuid']}", {'segment': {
        'name': 'new', 'description': 'd', 'recovery_method': 'rh_priority',
        'service_type': 'X'}})
    assert resp.status == 200
    got = resp.json['segment']
    assert (got['name'], got['description'], got['recovery_method'],
            got['service_type']) == ('new', 'd', 'rh_priority', 'X')
    assert got['updated_at'] is not None


def test_update_empty_is_400(client):
    seg = make(client)
    resp = client.put(f"{URL}/{seg['uuid']}", {'segment': {}})
    assert resp.fault()[2] == (
        'Invalid input for field/attribute segment. Value: {}. {} is not '
        'valid under any of the given schemas')


def test_update_enabled_gated(client):
    seg = make(client)
    url = f"{URL}/{seg['uuid']}"
    assert client.put(url, {'segment': {'enabled': False}}).status == 400
    resp = client.put(url, {'segment': {'enabled': False}}, version='1.2')
    assert resp.json['segment']['enabled'] is False


@pytest.mark.parametrize('value,expected', [
    ('false', False), ('False', False), ('0', False), ('no', False),
    ('true', True), (True, True),
])
def test_update_enabled_is_strict(client, value, expected):
    seg = make(client, enabled=not expected)
    resp = client.put(f"{URL}/{seg['uuid']}", {'segment': {'enabled': value}},
                      version='1.2')
    assert resp.json['segment']['enabled'] is expected


def test_update_not_found(client):
    resp = client.put(f'{URL}/nope', {'segment': {'name': 'x'}})
    assert resp.fault() == ('itemNotFound', 404,
                            'No failover segment with id nope.')


def test_update_rename_conflict(client):
    make(client)
    other = make(client, name='s2')
    resp = client.put(f"{URL}/{other['uuid']}", {'segment': {'name': 's1'}})
    assert resp.fault() == ('conflictingRequest', 409,
                            'Failover segment with name s1 already exists.')
    resp = client.put(f"{URL}/{other['uuid']}", {'segment': {'name': 's2'}})
    assert resp.status == 200


@pytest.mark.parametrize('status', ['new', 'running', 'error'])
def test_update_and_delete_in_use(database, client, status):
    seg = make(client)
    mark_in_use(database, client, seg, status=status)
    url = f"{URL}/{seg['uuid']}"
    resp = client.put(url, {'segment': {'name': 'x'}})
    assert resp.fault() == (
        'conflictingRequest', 409,
        f"Failover segment {seg['uuid']} can't be updated as it is in-use "
        f"to process notifications.")
    resp = client.delete(url)
    assert resp.fault() == (
        'conflictingRequest', 409,
        f"Failover segment ({seg['uuid']}) can't be deleted as it is in-use "
        f"to process notifications.")


@pytest.mark.parametrize('status', ['finished', 'failed', 'ignored'])
def test_finished_notifications_do_not_block(database, client, status):
    seg = make(client)
    mark_in_use(database, client, seg, status=status)
    assert client.delete(f"{URL}/{seg['uuid']}").status == 204


def test_delete_cascades_to_hosts(database, client):
    seg = make(client)
    host = mark_in_use(database, client, seg, status='finished')
    assert client.delete(f"{URL}/{seg['uuid']}").status == 204
    assert client.delete(f"{URL}/{seg['uuid']}").status == 404
    with pytest.raises(Exception):
        database.host_get_by_uuid(host['uuid'])


def test_list_filters(client):
    make(client, name='a', recovery_method='auto', service_type='C1')
    make(client, name='b', recovery_method='reserved_host',
         service_type='C2', enabled=False)

    def names(query):
        resp = client.get(f'{URL}?{query}')
        assert resp.status == 200, resp
        return sorted(s['name'] for s in resp.json['segments'])

    assert names('') == ['a', 'b']
    assert names('recovery_method=auto') == ['a']
    assert names('service_type=C2') == ['b']
    assert names('enabled=1') == ['a']
    assert names('enabled=false') == ['b']
    assert names('enabled=False') == ['b']
    assert names('name=a') == ['a', 'b']  # not a filter: ignored
    assert names('recovery_method=nope') == []
    resp = client.get(f'{URL}?enabled=maybe')
    assert resp.status == 400


def test_list_default_order_and_pagination(client):
    made = [make(client, name=f's{i}') for i in range(5)]
    ids = [s['id'] for s in client.get(URL).json['segments']]
    assert ids == sorted((s['id'] for s in made), reverse=True)
    page = client.get(f'{URL}?limit=2').json['segments']
    assert [s['id'] for s in page] == ids[:2]
    page = client.get(f"{URL}?limit=2&marker={page[-1]['id']}").json
    assert [s['id'] for s in page['segments']] == ids[2:4]
    last = client.get(f'{URL}?marker={ids[-1]}').json
    assert last == {'segments': []}
    assert client.get(f'{URL}?limit=3&limit=1').json['segments'][0]['id'] \
        == ids[0]
    assert len(client.get(f'{URL}?limit=3&limit=1').json['segments']) == 1


def test_list_sort(client):
    for name in ('b', 'a', 'c'):
        make(client, name=name)
    resp = client.get(f'{URL}?sort_key=name&sort_dir=asc')
    assert [s['name'] for s in resp.json['segments']] == ['a', 'b', 'c']
    resp = client.get(f'{URL}?sort_key= name &sort_dir= desc ')
    assert [s['name'] for s in resp.json['segments']] == ['c', 'b', 'a']


@pytest.mark.parametrize('query,message', [
    ('limit=abc', 'Invalid input received: limit must be an integer'),
    ('limit=1.5', 'Invalid input received: limit must be an integer'),
    ('limit=', 'Invalid input received: limit must be an integer'),
    ('limit=-1', 'Invalid input received: limit must be >= 0'),
    ('page_size=x', 'Invalid input received: page_size must be an integer'),
    ('page_size=-2', 'Invalid input received: page_size must be >= 0'),
    ('marker=aed94a4b-a7a7-492d-87c8-c893e5c308f3',
     'Marker aed94a4b-a7a7-492d-87c8-c893e5c308f3 could not be found.'),
    ('marker=', 'Marker  could not be found.'),
    ('marker=999', 'Marker 999 could not be found.'),
    ('sort_key=bogus',
     'Sort key supplied is invalid: bogus'),
    ('sort_key=', 'Sort key supplied is invalid: '),
    ('sort_key=name&sort_dir=up',
     "Invalid input received: Unknown sort direction, must be 'asc' or "
     "'desc'"),
    ('sort_dir=asc',
     'Invalid input received: Sort direction size exceeds sort key size'),
])
def test_list_param_errors(client, query, message):
    make(client)
    resp = client.get(f'{URL}?{query}')
    assert resp.fault() == ('badRequest', 400, message)


def test_limit_zero_and_max_limit(client, conf):
    for i in range(3):
        make(client, name=f's{i}')
    assert client.get(f'{URL}?limit=0').json == {'segments': []}
    conf.set_override('osapi_max_limit', 2)
    assert len(client.get(URL).json['segments']) == 2
    assert len(client.get(f'{URL}?limit=3').json['segments']) == 2
