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

"""Draft 4 JSON Schema <-> OpenAPI 3.0 schema object, reversibly."""

from __future__ import annotations

from typing import Any


from masakari.api_ref.facts import SCHEMA_REF
from masakari.api.schemas import common as schema_types


# JSON Schema keywords the OpenAPI 3.0 schema object has as they are.
_OAS30_KEYWORDS = frozenset({
    'title', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum',
    'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems',
    'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required',
    'enum', 'type', 'allOf', 'oneOf', 'anyOf', 'not', 'items', 'properties',
    'additionalProperties', 'description', 'format', 'default',
    'patternProperties',
})


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
        elif key == 'enum':
            # Some enums are tuples (for their error message); JSON and
            # the OpenAPI validators know lists only.
            out[key] = list(value)
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
