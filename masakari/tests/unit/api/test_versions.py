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

"""Version discovery (/, /v1, /v1/versions/{id}) and extensions."""

import pytest

from masakari.api import versions


def test_root_lists_v1(client):
    resp = client.get('/')
    assert resp.status == 200
    assert resp.json == {'versions': [{
        'id': 'v1.0', 'status': 'CURRENT', 'version': '1.3',
        'min_version': '1.0', 'updated': '2016-07-01T11:33:21Z',
        'links': [{'rel': 'self', 'href': 'http://localhost/v1/'}]}]}
    assert 'OpenStack-API-Version' not in resp.headers
    assert 'x-openstack-request-id' not in resp.headers


@pytest.mark.parametrize('method', ['POST', 'PUT', 'DELETE'])
def test_root_any_method(client, method):
    assert client.request(method, '/').status == 200


@pytest.mark.parametrize('path', ['/v2', '/foo', '/v1.0', '/v10'])
def test_other_paths_are_300(client, path):
    resp = client.get(path)
    assert resp.status == 300
    choice = resp.json['choices'][0]
    assert choice['links'][0]['href'] == f'http://localhost/v1{path}'
    assert choice['media-types'][0]['type'] == \
        'application/vnd.openstack.masakari+json;version=1'


@pytest.mark.parametrize('path', ['/v1', '/v1/', '/v1/versions/v1.0'])
def test_v1_document(client, path):
    doc = client.get(path).json['version']
    assert list(doc) == ['id', 'status', 'version', 'min_version', 'updated',
                         'links', 'media-types']
    assert doc['links'][0] == {'rel': 'self',
                               'href': 'http://localhost/v1/'}


def test_unknown_version_404(client):
    resp = client.get('/v1/versions/v2.0')
    assert resp.fault() == ('itemNotFound', 404,
                            'The resource could not be found.')


def test_link_prefix(client, conf):
    conf.set_override('osapi_masakari_link_prefix', 'https://api.example/ha')
    try:
        doc = client.get('/v1').json['version']
        assert doc['links'][0]['href'] == 'https://api.example/ha/v1/'
        assert client.get('/').json['versions'][0]['links'][0]['href'] == \
            'https://api.example/ha/v1/'
    finally:
        conf.clear_override('osapi_masakari_link_prefix')


@pytest.mark.parametrize('host,script,prefix,expected', [
    ('http://h:1', '', None, 'http://h:1'),
    ('http://h:1', '/ha/', None, 'http://h:1/ha'),
    ('http://h:1', '/ha', 'https://x', 'https://x/ha'),
    ('http://h:1', '', 'https://x/p/', 'https://x/p'),
])
def test_base_url(host, script, prefix, expected):
    assert versions.base_url(host, script, prefix) == expected


def test_healthcheck(client):
    resp = client.get('/healthcheck')
    assert resp.status == 200
    assert resp.body == b'OK'


def test_extensions_list(client):
    doc = client.get('/v1/extensions').json
    aliases = [e['alias'] for e in doc['extensions']]
    assert aliases == ['extensions', 'notifications', 'os-hosts',
                       'segments', 'versions', 'vmoves']
    assert doc['extensions'][2] == {
        'name': 'Hosts', 'alias': 'os-hosts',
        'description': 'Hosts controller', 'namespace': '', 'updated': '',
        'links': []}


def test_extension_show(client):
    doc = client.get('/v1/extensions/segments').json
    assert doc['extension']['name'] == 'Segments'
    resp = client.get('/v1/extensions/nope')
    assert resp.fault() == ('itemNotFound', 404,
                            'The resource could not be found.')
