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

"""The OpenAPI document: in step with the code, valid, and faithful to the
route table and the request schemas."""

import json

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator

from masakari.api import microversion
from masakari import api_ref as openapi
from masakari.api import routes
from masakari.api.schemas import common as schema_types
from masakari.api.schemas import notifications as notification_schemas


@pytest.fixture(scope='module')
def doc():
    return openapi.build()


def _op(doc, path, method):
    return doc['paths'][path][method]


def test_committed_document_is_current():
    with open(openapi.DOCUMENT_PATH, encoding='utf-8') as handle:
        committed = handle.read()
    assert committed == openapi.render(), (
        'api-ref/source/openapi.json is stale: run '
        'python -m masakari.api_ref')


def test_document_is_valid_openapi_30(doc):
    errors = [e.message for e in OpenAPIV30SpecValidator(doc).iter_errors()]
    assert errors == []
    assert doc['openapi'].startswith('3.0.')


def test_every_route_in_both_forms(doc):
    expected = set()
    for method, path, controller, action in routes.route_table():
        expected.add((method.lower(), '/v1' + path))
        if (controller, action) != ('versions', 'root'):
            expected.add((method.lower(), '/v1/{project_id}' + path))
    documented = {(m, p) for p, item in doc['paths'].items() for m in item}
    assert documented == expected
    ids = [op['operationId'] for item in doc['paths'].values()
           for op in item.values()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize('path,method,status', [
    ('/v1/segments', 'post', '201'),
    ('/v1/segments', 'get', '200'),
    ('/v1/segments/{id}', 'delete', '204'),
    ('/v1/segments/{segment_id}/hosts', 'post', '201'),
    ('/v1/notifications', 'post', '202'),
    ('/v1/notifications/{notification_id}/vmoves/{id}', 'get', '200'),
    ('/v1', 'get', '200'),
    ('/v1/{project_id}/extensions/{id}', 'get', '200'),
])
def test_success_status(doc, path, method, status):
    responses = _op(doc, path, method)['responses']
    assert [c for c in responses if c.startswith('2')] == [status]


@pytest.mark.parametrize('path,method', [
    ('/v1/segments/new', 'get'),
    ('/v1/segments/{id}/action', 'post'),
    ('/v1/notifications/{id}', 'put'),
    ('/v1/versions', 'get'),
    ('/v1/{project_id}/extensions', 'post'),
])
def test_unimplemented_actions_document_405_only(doc, path, method):
    op = _op(doc, path, method)
    assert op['x-masakari-implemented'] is False
    assert '405' in op['responses']
    assert not [c for c in op['responses'] if c.startswith('2')]
    assert 'requestBody' not in op


def test_no_operation_documents_a_500(doc):
    for item in doc['paths'].values():
        for op in item.values():
            assert '500' not in op['responses'], op['operationId']


def test_error_responses_reference_their_fault_envelope(doc):
    responses = doc['components']['responses']
    for code in ('400', '404', '406', '409', '415'):
        ref = responses[code]['content']['application/json']['schema']
        name = ref['$ref'].rsplit('/', 1)[1]
        schema = doc['components']['schemas'][name]
        assert schema['required'] == [openapi.fault_name(int(code))]
    assert openapi.fault_name(406) == 'masakariFault'


def test_list_parameters(doc):
    params = doc['components']['parameters']
    names = {p['$ref'].rsplit('/', 1)[1]
             for p in _op(doc, '/v1/segments', 'get')['parameters']}
    assert {'limit', 'marker', 'page_size', 'sort_dir', 'segments.sort_key',
            'segments.enabled', 'segments.service_type'} <= names
    assert params['segments.enabled']['schema'] == {'type': 'boolean'}
    assert params['hosts.on_maintenance']['schema'] == {'type': 'boolean'}
    assert params['notifications.generated-since']['schema']['format'] == \
        'date-time'
    sort_keys = params['hosts.sort_key']['schema']['items']['enum']
    assert 'failover_segment_id' in sort_keys
    assert 'failover_segment' not in sort_keys  # a relationship
    # Show has no list parameters.
    show = _op(doc, '/v1/segments/{id}', 'get')['parameters']
    assert [p.get('$ref') for p in show if p.get('in') != 'path'] == [
        '#/components/parameters/ApiVersion']


def test_segment_bodies_per_microversion(doc):
    op = _op(doc, '/v1/segments', 'post')
    ranges = [(r['min_version'], r['max_version'], r['schema']['$ref'])
              for r in op['x-masakari-microversions']]
    assert ranges == [
        ('1.2', str(microversion.MAX_VERSION),
         '#/components/schemas/segments.create.request'),
        ('1.0', '1.1', '#/components/schemas/segments.create.request.v1.0')]
    schemas = doc['components']['schemas']
    newest = schemas['segments.create.request']['properties']['segment']
    older = schemas['segments.create.request.v1.0']['properties']['segment']
    assert 'enabled' in newest['properties']
    assert 'enabled' not in older['properties']


def _request_schemas():
    for _, path, controller, action in routes.route_table():
        if not openapi.implemented(controller, action):
            continue
        table = openapi.request_schemas(controller, action)
        for i, (version, schema) in enumerate(table):
            name = openapi.schema_component(controller, action, version,
                                            i == 0)
            yield pytest.param(name, schema, id=name)
    for kind, schema in notification_schemas.PAYLOADS.items():
        name = f'notifications.payload.{kind}'
        yield pytest.param(name, schema, id=name)


@pytest.mark.parametrize('name,schema', list(_request_schemas()))
def test_request_schemas_round_trip(doc, name, schema):
    """The document's schemas say exactly what the API validates (as
    JSON: an enum kept as a tuple for its error message is a list)."""
    components = doc['components']
    assert openapi.to_json_schema(components['schemas'][name],
                                  components) == \
        json.loads(json.dumps(schema))


def test_shared_types_become_references(doc):
    host = doc['components']['schemas']['hosts.create.request']
    inner = host['properties']['host']['properties']
    assert inner['name'] == {'$ref': '#/components/schemas/common.name'}
    assert doc['components']['schemas']['common.description'] == {
        'type': 'string', 'nullable': True, 'minLength': 0,
        'pattern': schema_types.description['pattern']}


@pytest.mark.parametrize('draft4,oas30', [
    ({'type': ['string', 'null']}, {'type': 'string', 'nullable': True}),
    ({'type': ['boolean', 'string'], 'enum': [True, 'yes']},
     {'anyOf': [{'type': 'boolean'}, {'type': 'string'}],
      'enum': [True, 'yes']}),
    ({'type': 'object', 'patternProperties': {'^a$': {'type': 'string'}},
      'additionalProperties': False},
     {'type': 'object', 'x-patternProperties': {'^a$': {'type': 'string'}},
      'additionalProperties': {'type': 'string'},
      'x-additionalProperties': False}),
    ({'type': 'array', 'items': {'type': ['integer', 'null']}},
     {'type': 'array', 'items': {'type': 'integer', 'nullable': True}}),
])
def test_dialect_conversion(draft4, oas30):
    assert openapi.to_openapi_schema(draft4) == oas30
    assert openapi.to_json_schema(oas30) == draft4


@pytest.mark.parametrize('schema', [
    {'type': 'object', 'dependencies': {'a': ['b']}},
    {'type': ['string', 'integer'], 'anyOf': [{'minLength': 1}]},
])
def test_schemas_without_an_openapi_30_form_are_refused(schema):
    with pytest.raises(ValueError):
        openapi.to_openapi_schema(schema)


def test_nullable_without_type_allows_null():
    schema = openapi.to_json_schema({'allOf': [{'type': 'object'}],
                                     'nullable': True})
    assert schema == {'anyOf': [{'type': 'null'},
                                {'allOf': [{'type': 'object'}]}]}


def test_response_schemas_follow_views_and_models(doc):
    schemas = doc['components']['schemas']
    segment = schemas['segment']
    assert list(segment['properties']) == [
        'id', 'uuid', 'name', 'service_type', 'enabled', 'description',
        'recovery_method', 'created_at', 'updated_at', 'deleted_at',
        'deleted']
    assert segment['properties']['id'] == {'type': 'integer'}
    assert segment['properties']['deleted'] == {'type': 'boolean'}
    assert segment['properties']['recovery_method']['enum'] == [
        'auto', 'reserved_host', 'auto_priority', 'rh_priority']
    host = schemas['host']['properties']
    assert host['failover_segment']['allOf'] == [
        {'$ref': '#/components/schemas/segment'}]
    notification = schemas['notification']
    assert 'recovery_workflow_details' in notification['properties']
    assert 'recovery_workflow_details' not in notification['required']
    names = list(notification['properties'])
    assert names.index('recovery_workflow_details') == \
        names.index('status') + 1


def test_main_writes_and_checks(tmp_path, capsys):
    target = tmp_path / 'openapi.json'
    assert openapi.main([str(target)]) == 0
    assert json.loads(target.read_text()) == json.loads(openapi.render())
    assert openapi.main(['--check', str(target)]) == 0
    target.write_text('{}\n')
    assert openapi.main(['--check', str(target)]) == 1
    assert 'stale' in capsys.readouterr().err
    assert openapi.main(['--check', str(tmp_path / 'missing.json')]) == 1
    assert openapi.main(['-']) == 0
    assert json.loads(capsys.readouterr().out)['openapi'] == \
        openapi.OPENAPI_VERSION
