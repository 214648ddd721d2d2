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

"""What the document is built from: the route, schema, view and model
tables of the code, and the few facts only the handlers' code knows."""

from __future__ import annotations

import functools
import importlib
import os
import re
from types import ModuleType
from typing import Any, Callable

import sqlalchemy as sa

from masakari.api import errors
from masakari.api import microversion
from masakari.api.views import common as view_common
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
    if controller in microversion.CONTROLLER_MIN_VERSION:
        # Below its microversion the route answers like an unknown path.
        codes.add(404)
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


def envelope(key: str, inner: dict) -> dict:
    return {'type': 'object', 'properties': {key: inner}, 'required': [key],
            'additionalProperties': False}


def fault_schema(name: str) -> dict:
    return envelope(name, {
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
