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

"""/v1/segments/{seg}/hosts."""

import datetime

import pytest


@pytest.fixture
def seg(client):
    resp = client.post('/v1/segments', {'segment': {
        'name': 's1', 'service_type': 'COMPUTE', 'recovery_method': 'auto'}})
    return resp.json['segment']


@pytest.fixture
def url(seg):
    return f"/v1/segments/{seg['uuid']}/hosts"


def body(**kw):
    host = {'name': 'host1', 'type': 'COMPUTE', 'control_attributes': 'SSH'}
    host.update(kw)
    return {'host': host}


def make(client, url, **kw):
    resp = client.post(url, body(**kw))
    assert resp.status == 201, resp
    return resp.json['host']


def add_notification(database, host, status='new'):
    database.notification_create({
        'type': 'VM', 'generated_time': datetime.datetime(2026, 1, 1),
        'source_host_uuid': host['uuid'], 'payload': {}, 'status': status,
        'failover_segment_uuid': host['failover_segment_id']})


def test_create_representation(client, url, seg, nova):
    host = make(client, url)
    assert list(host) == ['id', 'uuid', 'name', 'failover_segment_id',
                          'failover_segment', 'type', 'reserved',
                          'control_attributes', 'on_maintenance',
                          'created_at', 'updated_at', 'deleted_at',
                          'deleted']
    assert host['failover_segment'] == seg
    assert host['failover_segment_id'] == seg['uuid']
    assert host['reserved'] is False and host['on_maintenance'] is False
    assert nova.checked == ['host1']


@pytest.mark.parametrize('kw,fragment', [
    ({'type': 'COMPUTE_HOST'}, "does not match '^[a-zA-Z0-9]*$'"),
    ({'type': 'A-B'}, "does not match"),
    ({'type': None}, "None is not of type 'string'"),
    ({'control_attributes': None}, "None is not of type 'string'"),
    ({'control_attributes': 'a\tb'},
     'Invalid input for field/attribute control_attributes'),
    ({'name': ''}, 'Invalid input for field/attribute name'),
    ({'reserved': 1}, 'Invalid input for field/attribute reserved'),
    ({'on_maintenance': 'maybe'},
     'Invalid input for field/attribute on_maintenance'),
    ({'failover_segment_id': 'x'}, "('failover_segment_id' was unexpected)"),
])
def test_create_schema_errors(client, url, kw, fragment):
    resp = client.post(url, body(**kw))
    name, code, message = resp.fault()
    assert code == 400
    assert fragment in message


@pytest.mark.parametrize('missing', ['name', 'type', 'control_attributes'])
def test_create_required(client, url, missing):
    b = body()
    del b['host'][missing]
    assert f"'{missing}' is a required property" in \
        client.post(url, b).fault()[2]


def test_empty_type_allowed(client, url):
    assert make(client, url, type='')['type'] == ''


@pytest.mark.parametrize('value,expected', [
    ('True', True), ('False', False), ('1', True), ('off', False),
    (True, True),
])
def test_create_booleans(client, url, value, expected):
    host = make(client, url, reserved=value, on_maintenance=value)
    assert host['reserved'] is expected
    assert host['on_maintenance'] is expected


def test_create_unknown_compute(client, url):
    resp = client.post(url, body(name='nothere'))
    assert resp.fault() == ('badRequest', 400,
                            'Compute service with name nothere could not be '
                            'found.')


def test_create_segment_missing(client):
    resp = client.post('/v1/segments/nope/hosts', body())
    assert resp.fault() == ('itemNotFound', 404,
                            'No failover segment with id nope.')


def test_create_duplicate_across_segments(client, url):
    make(client, url)
    other = client.post('/v1/segments', {'segment': {
        'name': 's2', 'service_type': 'C', 'recovery_method': 'auto'}})
    other_url = f"/v1/segments/{other.json['segment']['uuid']}/hosts"
    resp = client.post(other_url, body())
    assert resp.fault() == ('conflictingRequest', 409,
                            'Host with name host1 already exists.')


def test_show(client, url, seg):
    host = make(client, url)
    assert client.get(f"{url}/{host['uuid']}").json['host'] == host


def test_show_errors(client, url, seg):
    host = make(client, url)
    resp = client.get(f'{url}/abc')
    assert resp.fault() == ('itemNotFound', 404, 'No host with id abc.')
    missing = '00000000-0000-0000-0000-000000000000'
    resp = client.get(f'{url}/{missing}')
    assert resp.fault()[2] == (
        f"Host '{missing}' under failover_segment '{seg['uuid']}' could not "
        f"be found.")
    resp = client.get(f"/v1/segments/other/hosts/{host['uuid']}")
    assert resp.fault()[2] == (
        f"Host '{host['uuid']}' under failover_segment 'other' could not be "
        f"found.")


def test_update(client, url, nova):
    host = make(client, url)
    resp = client.put(f"{url}/{host['uuid']}", {'host': {
        'name': 'host2', 'reserved': 'True', 'on_maintenance': 'false',
        'type': 'X', 'control_attributes': 'Y'}})
    assert resp.status == 200
    got = resp.json['host']
    assert (got['name'], got['reserved'], got['on_maintenance'],
            got['type'], got['control_attributes']) == (
        'host2', True, False, 'X', 'Y')
    assert nova.checked[-1] == 'host2'


def test_update_errors(client, url, seg):
    host = make(client, url)
    make(client, url, name='host2')
    hurl = f"{url}/{host['uuid']}"
    assert client.put(hurl, {'host': {}}).status == 400
    assert client.put(hurl, {'host': {'failover_segment_id': 'x'}}).status \
        == 400
    resp = client.put(hurl, {'host': {'name': 'nothere'}})
    assert resp.fault()[:2] == ('badRequest', 400)
    resp = client.put(hurl, {'host': {'name': 'host2'}})
    assert resp.fault() == ('conflictingRequest', 409,
                            'Host with name host2 already exists.')
    resp = client.put(f'{url}/abc', {'host': {'name': 'x1'}})
    assert resp.fault()[2] == (
        f"Host 'abc' under failover_segment '{seg['uuid']}' could not be "
        f"found.")


def test_update_delete_in_use(database, client, url):
    host = make(client, url)
    add_notification(database, host)
    hurl = f"{url}/{host['uuid']}"
    resp = client.put(hurl, {'host': {'on_maintenance': False}})
    assert resp.fault() == (
        'conflictingRequest', 409,
        f"Host {host['uuid']} can't be updated as it is in-use to process "
        f"notifications.")
    resp = client.delete(hurl)
    assert resp.fault() == (
        'conflictingRequest', 409,
        f"Host {host['uuid']} can't be deleted as it is in-use to process "
        f"notifications.")


def test_delete(client, url):
    host = make(client, url)
    hurl = f"{url}/{host['uuid']}"
    assert client.delete(hurl).status == 204
    assert client.delete(hurl).status == 404
    assert make(client, url)['name'] == 'host1'


def test_list_and_filters(client, url):
    make(client, url, name='host1', type='A', reserved=True)
    make(client, url, name='host2', type='B', on_maintenance=True,
         control_attributes='ctl')

    def names(query=''):
        resp = client.get(f'{url}?{query}')
        assert resp.status == 200, resp
        return sorted(h['name'] for h in resp.json['hosts'])

    assert names() == ['host1', 'host2']
    assert names('type=A') == ['host1']
    assert names('reserved=True') == ['host1']
    assert names('reserved=0') == ['host2']
    assert names('on_maintenance=yes') == ['host2']
    assert names('name=host2') == ['host2']
    assert names('control_attributes=ctl') == ['host2']
    assert names('failover_segment_id=whatever') == ['host1', 'host2']
    assert names('limit=0') == []


def test_list_bool_filter_error(client, url):
    resp = client.get(f'{url}?on_maintenance=maybe')
    assert resp.fault() == (
        'badRequest', 400,
        "Invalid value for on_maintenance: Unrecognized value 'maybe', "
        "acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', "
        "'on', 't', 'true', 'y', 'yes'")


def test_list_segment_missing(client):
    resp = client.get('/v1/segments/nope/hosts')
    assert resp.fault() == ('itemNotFound', 404,
                            'No failover segment with id nope.')
    assert client.get('/v1/segments/nope/hosts?limit=0').status == 404


def test_list_sort_on_relationship_is_400(client, url):
    make(client, url)
    resp = client.get(f'{url}?sort_key=failover_segment')
    assert resp.status == 400


def test_list_scoped_to_segment(client, url):
    make(client, url)
    other = client.post('/v1/segments', {'segment': {
        'name': 's2', 'service_type': 'C', 'recovery_method': 'auto'}})
    other_url = f"/v1/segments/{other.json['segment']['uuid']}/hosts"
    make(client, other_url, name='host2')
    assert [h['name'] for h in client.get(url).json['hosts']] == ['host1']


def test_many_hosts_each_with_segment(client, url, nova):
    nova.hosts.update(f'h{i}' for i in range(30))
    for i in range(30):
        make(client, url, name=f'h{i}')
    hosts = client.get(url).json['hosts']
    assert len(hosts) == 30
    assert all(h['failover_segment']['name'] == 's1' for h in hosts)
