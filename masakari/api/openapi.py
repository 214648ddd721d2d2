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

"""An OpenAPI 3.0 description of /v1, built from the code's own tables.

Nothing here restates the API: paths and methods come from the route
table, request bodies from the Draft-4 schemas the handlers validate with
(converted to the OpenAPI 3.0 dialect, reversibly), list parameters from
the handlers' filter tuples and the models' columns, response bodies from
the view field tables. What is left are the few facts only the handlers'
code knows (success statuses, which errors an operation can answer); they
are small tables below.

Regenerate the committed copy with ``python -m masakari.api.openapi`` (or
``tools/gen-openapi.py``); a unit test keeps it equal to what this builds.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import re
import sys
from types import ModuleType
from typing import Any, Callable, Iterator

import sqlalchemy as sa

from masakari.api import app as v1_app
from masakari.api import errors
from masakari.api import microversion
from masakari.api import params
from masakari.api import routes
from masakari.api import versions
from masakari.api.handlers import extensions as extensions_handler
from masakari.api.schemas import common as schema_types
from masakari.api.views import common as view_common
from masakari.db import listing
from masakari.db import models

OPENAPI_VERSION = '3.0.3'
DOCUMENT_PATH = os.path.normpath(os.path.join(
    os.path.dirname(__file__), '..', '..', 'api-ref', 'source',
    'openapi.json'))
V1_PREFIX = '/v1'
PROJECT_PREFIX = '/{project_id}'
SCHEMA_REF = '#/components/schemas/'

# -- facts only the handlers' code knows ----------------------------------
SUCCESS_STATUS = {'create': 201, 'delete': 204}   # any other action: 200
SUCCESS_OVERRIDES = {('notifications', 'create'): 202}
# Errors any routed /v1 request can get before its handler runs: bad or
# unsupported microversion (400/406), unsupported Content-Type (415), body
# too large (413), no valid token (401, keystone), the URL's project id
# not the caller's (400).
ROUTED_ERRORS = (400, 401, 406, 413, 415)
# Controllers without policy checks or a database.
NO_POLICY = frozenset({'versions'})
NO_DATABASE = frozenset({'versions', 'extensions'})
CONFLICT_ACTIONS = frozenset({'create', 'update', 'delete'})
MODELS = {
    'segments': models.FailoverSegment,
    'hosts': models.Host,
    'notifications': models.Notification,
    'vmoves': models.VMove,
}
# Query parameters a handler reads besides its FILTERS tuple.
EXTRA_QUERY = {
    'notifications': {
        'generated-since': {
            'type': 'string', 'format': 'date-time',
            'description': 'Only notifications generated at or after this '
                           'ISO 8601 time (note the hyphen).'},
    },
}
# recovery_workflow_details (GET /notifications/{id}, microversion >= 1.1)
# is filled in by the engine; its shape is documented here.
WORKFLOW_DETAILS = {
    'type': 'array',
    'description': 'Only in GET /notifications/{id} at microversion 1.1 '
                   'or later: one entry per recovery task that ran.',
    'items': {
        'type': 'object',
        'properties': {
            'name': {'type': 'string'},
            'progress': {'type': 'number'},
            'progress_details': {
                'type': 'array',
                'items': {
                    'type': 'object',
                    'properties': {
                        'timestamp': {'type': 'string', 'nullable': True},
                        'progress': {'type': 'string', 'nullable': True},
                        'message': {'type': 'string', 'nullable': True},
                    },
                },
            },
            'state': {'type': 'string'},
        },
    },
}

# JSON Schema keywords the OpenAPI 3.0 schema object has as they are.
_OAS30_KEYWORDS = frozenset({
    'title', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum',
    'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems',
    'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required',
    'enum', 'type', 'allOf', 'oneOf', 'anyOf', 'not', 'items', 'properties',
    'additionalProperties', 'description', 'format', 'default',
    'patternProperties',
})


# -- Draft 4 <-> OpenAPI 3.0 schema dialects -------------------------------
def shared_schemas() -> dict[str, dict]:
    """The parameter types of schemas/common.py, by component name."""
    return {f'common.{name}': value
            for name, value in vars(schema_types).items()
            if isinstance(value, dict) and not name.startswith('_')}


def to_openapi_schema(schema: Any, shared: dict[str, dict] | None = None,
                      _root: bool = True) -> Any:
    """A Draft-4 schema in the OpenAPI 3.0 dialect.

    ``type`` lists become ``nullable`` / ``anyOf`` of types; the
    ``patternProperties`` OpenAPI 3.0 lacks move to ``x-patternProperties``
    (``additionalProperties`` then approximates them for generic tools and
    the original goes to ``x-additionalProperties``). Sub-schemas equal to a
    ``shared`` one become ``$ref``\\ s. :func:`to_json_schema` inverts this.
    """
    if not isinstance(schema, dict):
        return schema
    shared = shared or {}
    if not _root:
        for name, value in shared.items():
            if schema == value:
                return {'$ref': SCHEMA_REF + name}
    unknown = set(schema) - _OAS30_KEYWORDS
    if unknown:
        raise ValueError(f'no OpenAPI 3.0 form for {sorted(unknown)}')
    out: dict = {}
    for key, value in schema.items():
        if key == 'type':
            out.update(_types(value, 'anyOf' in schema))
        elif key in ('properties', 'patternProperties'):
            converted = {k: to_openapi_schema(v, shared, False)
                         for k, v in value.items()}
            out['x-' + key if key == 'patternProperties' else key] = \
                converted
        elif key in ('allOf', 'oneOf', 'anyOf'):
            out[key] = [to_openapi_schema(v, shared, False) for v in value]
        elif key in ('items', 'not', 'additionalProperties'):
            out[key] = to_openapi_schema(value, shared, False)
        else:
            out[key] = value
    if 'patternProperties' in schema and 'additionalProperties' in schema:
        out['x-additionalProperties'] = out['additionalProperties']
        patterns = list(out['x-patternProperties'].values())
        out['additionalProperties'] = patterns[0] if len(patterns) == 1 \
            else True
    return out


def _types(value: str | list, has_any_of: bool) -> dict:
    if isinstance(value, str):
        return {'type': value}
    names = [t for t in value if t != 'null']
    out: dict = {}
    if len(names) == 1:
        out['type'] = names[0]
    elif names:
        if has_any_of:
            raise ValueError('a type list beside anyOf has no OpenAPI 3.0 '
                             'form')
        out['anyOf'] = [{'type': t} for t in names]
    if 'null' in value:
        out['nullable'] = True
    return out


def to_json_schema(schema: Any, components: dict | None = None) -> Any:
    """Back to Draft 4: the inverse of :func:`to_openapi_schema`, with
    ``$ref``\\ s to ``components`` (an OpenAPI ``components`` object)
    inlined."""
    if isinstance(schema, list):
        return [to_json_schema(v, components) for v in schema]
    if not isinstance(schema, dict):
        return schema
    if '$ref' in schema:
        name = schema['$ref'][len(SCHEMA_REF):]
        return to_json_schema((components or {})['schemas'][name],
                              components)
    out: dict = {}
    nullable = schema.get('nullable', False)
    for key, value in schema.items():
        if key in ('nullable', 'x-additionalProperties'):
            continue
        if key == 'anyOf' and all(_is_type_only(v) for v in value):
            out['type'] = [v['type'] for v in value]
        elif key == 'x-patternProperties':
            out['patternProperties'] = {
                k: to_json_schema(v, components) for k, v in value.items()}
        elif key == 'additionalProperties' and \
                'x-patternProperties' in schema:
            if 'x-additionalProperties' in schema:
                out[key] = to_json_schema(schema['x-additionalProperties'],
                                          components)
        elif key == 'properties':
            out[key] = {k: to_json_schema(v, components)
                        for k, v in value.items()}
        elif key in ('allOf', 'oneOf', 'anyOf', 'items', 'not',
                     'additionalProperties'):
            out[key] = to_json_schema(value, components)
        elif key.startswith('x-') or key in ('example', 'readOnly'):
            continue
        else:
            out[key] = value
    if nullable:
        types = out.get('type')
        if types is None:
            out = {'anyOf': [{'type': 'null'}, out]}
        elif isinstance(types, list):
            out['type'] = types + ['null']
        else:
            out['type'] = [types, 'null']
    return out


def _is_type_only(schema: Any) -> bool:
    return isinstance(schema, dict) and list(schema) == ['type'] and \
        isinstance(schema['type'], str)


# -- reading the code's tables --------------------------------------------
@functools.cache
def handler(controller: str) -> ModuleType:
    return importlib.import_module(f'masakari.api.handlers.{controller}')


def _optional_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None


def request_schemas(controller: str, action: str
                    ) -> list[tuple[microversion.Version, dict]]:
    """(minimum microversion, Draft-4 schema) the action validates its body
    with, newest first: the handler's ``<ACTION>_SCHEMAS`` table, else
    ``masakari.api.schemas.<controller>.<action>``."""
    table = getattr(handler(controller), f'{action.upper()}_SCHEMAS', None)
    if table:
        return [(microversion.Version(*v), s) for v, s in table]
    module = _optional_module(f'masakari.api.schemas.{controller}')
    schema = getattr(module, action, None) if module else None
    if isinstance(schema, dict):
        return [(microversion.MIN_VERSION, schema)]
    return []


def payload_schemas(controller: str, action: str) -> dict[str, dict]:
    """Type-specific payload schemas checked after the body schema."""
    module = _optional_module(f'masakari.api.schemas.{controller}')
    if action != 'create' or module is None:
        return {}
    return dict(getattr(module, 'PAYLOADS', {}))


def implemented(controller: str, action: str) -> bool:
    return callable(getattr(handler(controller), action, None))


def is_list(controller: str, action: str) -> bool:
    """List actions with the shared parameters: handlers with FILTERS."""
    return action == 'index' and hasattr(handler(controller), 'FILTERS')


def success_status(controller: str, action: str) -> int:
    return SUCCESS_OVERRIDES.get((controller, action),
                                 SUCCESS_STATUS.get(action, 200))


def error_statuses(controller: str, action: str, path: str) -> list[int]:
    """Every error status the operation can answer (never 500)."""
    codes = set(ROUTED_ERRORS)
    if not implemented(controller, action):
        codes.add(405)
        return sorted(codes)
    if controller not in NO_POLICY:
        codes.add(403)
    if path_parameters(path) - {'project_id'} or action == 'show':
        codes.add(404)
    if action in CONFLICT_ACTIONS:
        codes.add(409)
    if controller not in NO_DATABASE:
        codes.add(503)
    return sorted(codes)


def path_parameters(path: str) -> set[str]:
    return set(re.findall(r'{(\w+)}', path))


def _view_module(controller: str) -> ModuleType:
    return importlib.import_module(f'masakari.api.views.{controller}')


def _view_fields(controller: str) -> tuple:
    """(name, converter) pairs the view renders, in order."""
    module = _view_module(controller)
    fields = getattr(module, 'FIELDS', None)
    if fields is None:
        fields = module.HEAD_FIELDS + module.TAIL_FIELDS
    return fields


class _Blank:
    """An object without attributes: renders a view's keys."""


def envelope_keys(controller: str) -> tuple[str, str]:
    """(single, collection) envelope keys, as the views render them."""
    view = _view_module(controller)
    (single,) = view.single(_Blank())
    (plural,) = view.collection([])
    return single, plural


# -- response schemas -------------------------------------------------------
def _column_schema(column: sa.Column) -> dict:
    enums = getattr(column.type, 'enums', None)
    try:
        python_type = column.type.python_type
    except NotImplementedError:  # pragma: no cover - every column has one
        python_type = object
    if enums:
        schema: dict = {'type': 'string', 'enum': list(enums)}
    elif python_type is int:
        schema = {'type': 'integer'}
    elif python_type is bool:
        schema = {'type': 'boolean'}
    elif python_type is str:
        schema = {'type': 'string'}
        length = getattr(column.type, 'length', None)
        if length:
            schema['maxLength'] = length
    else:
        schema = {}
    if column.nullable and schema:
        schema['nullable'] = True
        if 'enum' in schema:
            schema['enum'] = schema['enum'] + [None]
    return schema


def _field_schema(controller: str, name: str,
                  convert: Callable[[Any], Any]) -> dict:
    model = MODELS[controller]
    mapper = sa.inspect(model)
    column = mapper.columns.get(name)
    nullable = column is None or bool(column.nullable)
    if convert is view_common.datetime_text:
        schema: dict = {'type': 'string',
                        'pattern': r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$'}
        if nullable:
            schema['nullable'] = True
        return schema
    if convert is view_common.as_bool:
        return {'type': 'boolean'}
    if name in mapper.relationships:
        target = mapper.relationships[name].mapper.class_
        ref = next(c for c, m in MODELS.items() if m is target)
        return {'allOf': [{'$ref': SCHEMA_REF + resource_name(ref)}],
                'nullable': True}
    if convert is view_common.identity and column is not None:
        return _column_schema(column)
    return {'description': 'Any JSON value.'}


def resource_name(controller: str) -> str:
    return envelope_keys(controller)[0]


def resource_schema(controller: str) -> dict:
    properties = {name: _field_schema(controller, name, convert)
                  for name, convert in _view_fields(controller)}
    required = list(properties)
    if controller == 'notifications':
        # Inserted right after "status" at microversion >= 1.1 (show only).
        ordered = {}
        for name, value in properties.items():
            ordered[name] = value
            if name == 'status':
                ordered['recovery_workflow_details'] = WORKFLOW_DETAILS
        properties = ordered
    return {'type': 'object', 'properties': properties,
            'required': required}


def infer_schema(sample: Any) -> dict:
    """A schema every value shaped like ``sample`` satisfies."""
    if isinstance(sample, dict):
        return {'type': 'object',
                'properties': {k: infer_schema(v) for k, v in sample.items()},
                'required': list(sample)}
    if isinstance(sample, list):
        return {'type': 'array',
                'items': infer_schema(sample[0]) if sample else {}}
    if isinstance(sample, bool):
        return {'type': 'boolean'}
    if isinstance(sample, int):
        return {'type': 'integer'}
    if isinstance(sample, float):
        return {'type': 'number'}
    if isinstance(sample, str):
        return {'type': 'string'}
    return {'nullable': True}


def _envelope(key: str, inner: dict) -> dict:
    return {'type': 'object', 'properties': {key: inner}, 'required': [key],
            'additionalProperties': False}


def fault_schema(name: str) -> dict:
    return _envelope(name, {
        'type': 'object',
        'properties': {
            'code': {'type': 'integer'},
            'message': {'type': 'string'},
            'retryAfter': {'type': 'string'},
        },
        'required': ['code', 'message'],
    })


def fault_name(code: int) -> str:
    return errors.FAULT_NAMES.get(code, errors.DEFAULT_FAULT_NAME)


# -- the document -----------------------------------------------------------
def _headers() -> dict:
    return {
        'OpenStack-API-Version': {
            'description': 'The effective microversion, '
                           f'"{microversion.SERVICE_TYPE} X.Y". Absent on '
                           '406 and on a malformed version (400).',
            'schema': {'type': 'string'}},
        'Vary': {'description': f'"{microversion.HEADER}" when the '
                                'version was negotiated.',
                 'schema': {'type': 'string'}},
        'X-Openstack-Request-Id': {
            'description': 'req-<uuid>, on every /v1 response but the '
                           'CORS preflight answer.',
            'schema': {'type': 'string', 'pattern': '^req-[0-9a-f-]{36}$'}},
    }


def _header_refs(*names: str) -> dict:
    return {n: {'$ref': f'#/components/headers/{n}'} for n in names}


_SUCCESS_HEADERS = ('OpenStack-API-Version', 'Vary', 'X-Openstack-Request-Id')


def _parameters() -> dict:
    out = {
        'ApiVersion': {
            'name': microversion.HEADER, 'in': 'header', 'required': False,
            'description': f'"{microversion.SERVICE_TYPE} X.Y" (from '
                           f'{microversion.MIN_VERSION} to '
                           f'{microversion.MAX_VERSION}) or '
                           f'"{microversion.SERVICE_TYPE} latest"; other '
                           'services may be listed, comma-separated. '
                           f'Default {microversion.DEFAULT_VERSION}.',
            'schema': {'type': 'string'},
            'example': f'{microversion.SERVICE_TYPE} '
                       f'{microversion.MAX_VERSION}'},
        'ProjectId': {
            'name': 'project_id', 'in': 'path', 'required': True,
            'description': "Must equal the caller's project id (400 "
                           'otherwise); [osapi_v1] project_id_regex.',
            'schema': {'type': 'string',
                       'pattern': f'^{routes.DEFAULT_PROJECT_ID_REGEX}$'}},
        'limit': {
            'name': 'limit', 'in': 'query', 'required': False,
            'description': 'Page size, capped at osapi_max_limit '
                           f'(default {params.DEFAULT_MAX_LIMIT}).',
            'schema': {'type': 'integer', 'minimum': 0}},
        'page_size': {
            'name': 'page_size', 'in': 'query', 'required': False,
            'description': 'Validated like limit, otherwise unused.',
            'schema': {'type': 'integer', 'minimum': 0}},
        'marker': {
            'name': 'marker', 'in': 'query', 'required': False,
            'description': 'The integer "id" of the last item seen.',
            'schema': {'type': 'string'}},
        'sort_dir': {
            'name': 'sort_dir', 'in': 'query', 'required': False,
            'style': 'form', 'explode': True,
            'description': 'Repeatable; not more than sort_key values.',
            'schema': {'type': 'array',
                       'items': {'type': 'string',
                                 'enum': list(params.SORT_DIRS)}}},
    }
    for c in routes.COLLECTIONS:
        if is_list(c.controller, 'index'):
            for name, param in _resource_query_parameters(
                    c.controller).items():
                out[f'{c.controller}.{name}'] = param
    return out


def _query_parameters(controller: str) -> list[dict]:
    """References to the list parameters of ``controller``."""
    shared = ('limit', 'marker', 'page_size', 'sort_dir')
    return [{'$ref': '#/components/parameters/' + (
        name if name in shared else f'{controller}.{name}')}
        for name in _list_parameter_names(controller)]


def _list_parameter_names(controller: str) -> list[str]:
    module = handler(controller)
    return ['limit', 'marker', 'page_size', 'sort_key', 'sort_dir',
            *module.FILTERS, *EXTRA_QUERY.get(controller, {})]


def _resource_query_parameters(controller: str) -> dict:
    """The sort_key and filter parameters of ``controller``, by name."""
    module = handler(controller)
    booleans = set(getattr(module, 'BOOLEAN_FILTERS', ())) | \
        set(getattr(module, 'BOOLEAN_FIELDS', ()))
    out: dict = {'sort_key': {
        'name': 'sort_key', 'in': 'query', 'required': False,
        'style': 'form', 'explode': True,
        'description': 'Repeatable; default created_at (then id).',
        'schema': {'type': 'array',
                   'items': {'type': 'string', 'enum': sorted(
                       listing.column_keys(MODELS[controller]))}}}}
    for name in module.FILTERS:
        schema = {'type': 'boolean'} if name in booleans \
            else {'type': 'string'}
        out[name] = {'name': name, 'in': 'query', 'required': False,
                     'description': 'Exact-match filter.', 'schema': schema}
    for name, schema in EXTRA_QUERY.get(controller, {}).items():
        schema = dict(schema)
        description = schema.pop('description', None)
        out[name] = {'name': name, 'in': 'query', 'required': False,
                     'schema': schema}
        if description:
            out[name]['description'] = description
    return out


def _schema_component(controller: str, action: str,
                      version: microversion.Version, newest: bool) -> str:
    name = f'{controller}.{action}.request'
    return name if newest else f'{name}.v{version}'


def _microversion_ranges(table: list[tuple[microversion.Version, dict]]
                         ) -> Iterator[tuple[microversion.Version,
                                             microversion.Version, dict]]:
    """(lowest, highest, schema) per entry of a newest-first table."""
    upper = microversion.MAX_VERSION
    for minimum, schema in table:
        yield minimum, upper, schema
        # Microversions of this API only ever bump the minor number.
        upper = microversion.Version(minimum.major, max(minimum.minor - 1,
                                                        0))


def _body_schema(controller: str, action: str) -> dict:
    if controller == 'versions':
        return {'$ref': SCHEMA_REF + 'version.single'}
    single = 'extension' if controller == 'extensions' \
        else resource_name(controller)
    suffix = 'list' if action == 'index' else 'single'
    return {'$ref': SCHEMA_REF + f'{single}.{suffix}'}


def _success_response(controller: str, action: str) -> dict:
    status = success_status(controller, action)
    response: dict = {
        'description': {200: 'OK', 201: 'Created', 202: 'Accepted',
                        204: 'No Content'}[status],
        'headers': _header_refs(*_SUCCESS_HEADERS),
    }
    if status != 204:
        schema = _body_schema(controller, action)
        response['content'] = {t: {'schema': schema}
                               for t in v1_app.SUPPORTED_TYPES}
    return response


def _operation(method: str, path: str, controller: str, action: str,
               prefixed: bool) -> dict:
    op_id = f'{controller}.{action}'
    if prefixed:
        op_id += '.project'
    if path.endswith('/'):
        op_id += '.trailing-slash'
    parameters: list[dict] = [
        {'$ref': '#/components/parameters/ApiVersion'}]
    if prefixed:
        parameters.append({'$ref': '#/components/parameters/ProjectId'})
    for name in sorted(path_parameters(path) - {'project_id'}):
        parameters.append({'name': name, 'in': 'path', 'required': True,
                           'schema': {'type': 'string'}})
    is_impl = implemented(controller, action)
    if is_impl and is_list(controller, action):
        parameters.extend(_query_parameters(controller))
    op: dict = {
        'operationId': op_id,
        'tags': [controller],
        'summary': f'{controller} {action}',
        'parameters': parameters,
        'x-masakari-action': action,
        'x-masakari-implemented': is_impl,
    }
    if not is_impl:
        op['description'] = ('Routed, but the controller has no such '
                             'action: always 405 (after the microversion '
                             'and Content-Type checks).')
    table = request_schemas(controller, action) if is_impl else []
    if table and method in v1_app.BODY_METHODS:
        newest = _schema_component(controller, action, table[0][0], True)
        op['requestBody'] = {
            'required': True,
            'content': {t: {'schema': {'$ref': SCHEMA_REF + newest}}
                        for t in v1_app.SUPPORTED_TYPES},
        }
        if len(table) > 1:
            op['x-masakari-microversions'] = [
                {'min_version': str(low), 'max_version': str(high),
                 'schema': {'$ref': SCHEMA_REF + _schema_component(
                     controller, action, low, i == 0)}}
                for i, (low, high, _) in enumerate(
                    _microversion_ranges(table))]
        payloads = payload_schemas(controller, action)
        if payloads:
            op['x-masakari-payload-schemas'] = {
                kind: {'$ref': SCHEMA_REF + f'{controller}.payload.{kind}'}
                for kind in payloads}
    responses: dict = {}
    if is_impl:
        status = success_status(controller, action)
        responses[str(status)] = {
            '$ref': f'#/components/responses/{controller}.{action}'}
    for code in error_statuses(controller, action, path):
        responses[str(code)] = {'$ref': f'#/components/responses/{code}'}
    op['responses'] = responses
    return op


def _responses() -> dict:
    codes = set()
    out = {}
    for method, path, controller, action in routes.route_table():
        codes.update(error_statuses(controller, action, path))
        if implemented(controller, action):
            out[f'{controller}.{action}'] = _success_response(controller,
                                                              action)
    for code in sorted(codes):
        name = fault_name(code)
        out[str(code)] = {
            'description': f'{name} fault envelope',
            'headers': _header_refs(*_SUCCESS_HEADERS),
            'content': {'application/json': {
                'schema': {'$ref': SCHEMA_REF + f'fault.{name}'}}},
        }
    return out


def _component_schemas() -> dict:
    shared = shared_schemas()
    out: dict = {name: to_openapi_schema(value, shared)
                 for name, value in shared.items()}
    for name in sorted(set(errors.FAULT_NAMES.values()) |
                       {errors.DEFAULT_FAULT_NAME}):
        out[f'fault.{name}'] = fault_schema(name)
    for controller in MODELS:
        single, plural = envelope_keys(controller)
        ref = {'$ref': SCHEMA_REF + single}
        out[single] = resource_schema(controller)
        out[f'{single}.single'] = _envelope(single, ref)
        out[f'{single}.list'] = _envelope(plural, {'type': 'array',
                                                   'items': ref})
    out['version.single'] = infer_schema(
        versions.v1_document('http://localhost'))
    alias = sorted(extensions_handler.EXTENSIONS)[0]
    view = extensions_handler._view(alias)
    out['extension.single'] = infer_schema({'extension': view})
    out['extension.list'] = infer_schema({'extensions': [view]})
    for _, _, controller, action in routes.route_table():
        if not implemented(controller, action):
            continue
        table = request_schemas(controller, action)
        for i, (version, schema) in enumerate(table):
            name = _schema_component(controller, action, version, i == 0)
            out[name] = to_openapi_schema(schema, shared)
        for kind, schema in payload_schemas(controller, action).items():
            out[f'{controller}.payload.{kind}'] = to_openapi_schema(
                schema, shared)
    return out


def _info() -> dict:
    return {
        'title': 'Masakari (instance-ha) API',
        'version': str(microversion.MAX_VERSION),
        'description': (
            'Every route but the version document also exists under a '
            '/{project_id} prefix, and accepts a ".json" or ".xml" suffix '
            'on its last path element. Errors use the envelope '
            '{"<faultName>": {"code": <status>, "message": "<text>"}}. '
            'Request bodies are validated with JSON Schema Draft 4; the '
            'schemas here are in the OpenAPI 3.0 dialect (type lists as '
            'nullable/anyOf, patternProperties as x-patternProperties).'),
        'license': {'name': 'Apache 2.0',
                    'url': 'https://www.apache.org/licenses/LICENSE-2.0'},
        'x-masakari-microversions': {
            'header': microversion.HEADER,
            'service_type': microversion.SERVICE_TYPE,
            'min_version': str(microversion.MIN_VERSION),
            'max_version': str(microversion.MAX_VERSION),
            'default_version': str(microversion.DEFAULT_VERSION),
            'history': dict(microversion.HISTORY),
        },
    }


def build() -> dict:
    """The OpenAPI 3.0 document of /v1."""
    paths: dict = {}
    for method, path, controller, action in routes.route_table():
        forms = [(V1_PREFIX + path, False)]
        if not (controller == 'versions' and action == 'root'):
            forms.append((V1_PREFIX + PROJECT_PREFIX + path, True))
        for full, prefixed in forms:
            paths.setdefault(full, {})[method.lower()] = _operation(
                method, full, controller, action, prefixed)
    return {
        'openapi': OPENAPI_VERSION,
        'info': _info(),
        'security': [{'keystone': []}, {}],
        'tags': [{'name': c.controller} for c in routes.COLLECTIONS],
        'paths': paths,
        'components': {
            'schemas': _component_schemas(),
            'parameters': _parameters(),
            'headers': _headers(),
            'responses': _responses(),
            'securitySchemes': {'keystone': {
                'type': 'apiKey', 'in': 'header', 'name': 'X-Auth-Token',
                'description': 'A keystone token (auth_strategy = '
                               'keystone).'}},
        },
    }


def render(document: dict | None = None) -> str:
    """The document as committed: indented JSON, one trailing newline."""
    doc = build() if document is None else document
    return json.dumps(doc, indent=2) + '\n'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description='Write (or --check) the OpenAPI document of /v1.')
    parser.add_argument('output', nargs='?', default=DOCUMENT_PATH,
                        help='file to write, "-" for stdout '
                             '(default: %(default)s)')
    parser.add_argument('--check', action='store_true',
                        help='exit 1 if the file differs from a fresh build')
    args = parser.parse_args(argv)
    text = render()
    if args.output == '-':
        sys.stdout.write(text)
        return 0
    if args.check:
        try:
            with open(args.output, encoding='utf-8') as handle:
                current = handle.read()
        except OSError as exc:
            print(f'{args.output}: {exc.strerror}', file=sys.stderr)
            return 1
        if current != text:
            print(f'{args.output} is stale; regenerate it with '
                  'python -m masakari.api.openapi', file=sys.stderr)
            return 1
        return 0
    with open(args.output, 'w', encoding='utf-8') as handle:
        handle.write(text)
    return 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
