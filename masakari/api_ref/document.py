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

"""The OpenAPI document of /v1 and the command that writes it."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Iterator


from masakari.api_ref import dialects
from masakari.api_ref import facts
from masakari.api_ref import plans
from masakari.api import app as v1_app
from masakari.api import errors
from masakari.api import microversion
from masakari.api import params
from masakari.api import routes
from masakari.api import versions
from masakari.api.handlers import extensions as extensions_handler
from masakari.db import listing


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
        if facts.is_list(c.controller, 'index'):
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
    module = facts.handler(controller)
    return ['limit', 'marker', 'page_size', 'sort_key', 'sort_dir',
            *module.FILTERS, *facts.EXTRA_QUERY.get(controller, {})]


def _resource_query_parameters(controller: str) -> dict:
    """The sort_key and filter parameters of ``controller``, by name."""
    module = facts.handler(controller)
    booleans = set(getattr(module, 'BOOLEAN_FILTERS', ())) | \
        set(getattr(module, 'BOOLEAN_FIELDS', ()))
    out: dict = {'sort_key': {
        'name': 'sort_key', 'in': 'query', 'required': False,
        'style': 'form', 'explode': True,
        'description': 'Repeatable; default created_at (then id).',
        'schema': {'type': 'array',
                   'items': {'type': 'string', 'enum': sorted(
                       listing.column_keys(facts.MODELS[controller]))}}}}
    for name in module.FILTERS:
        schema = {'type': 'boolean'} if name in booleans \
            else {'type': 'string'}
        out[name] = {'name': name, 'in': 'query', 'required': False,
                     'description': 'Exact-match filter.', 'schema': schema}
    for name, schema in facts.EXTRA_QUERY.get(controller, {}).items():
        schema = dict(schema)
        description = schema.pop('description', None)
        out[name] = {'name': name, 'in': 'query', 'required': False,
                     'schema': schema}
        if description:
            out[name]['description'] = description
    return out


def schema_component(controller: str, action: str,
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
        return {'$ref': facts.SCHEMA_REF + 'version.single'}
    if controller == plans.CONTROLLER:
        return plans.body_ref(action)
    single = 'extension' if controller == 'extensions' \
        else facts.resource_name(controller)
    suffix = 'list' if action == 'index' else 'single'
    return {'$ref': facts.SCHEMA_REF + f'{single}.{suffix}'}


def _success_response(controller: str, action: str) -> dict:
    status = facts.success_status(controller, action)
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
    for name in sorted(facts.path_parameters(path) - {'project_id'}):
        parameters.append({'name': name, 'in': 'path', 'required': True,
                           'schema': {'type': 'string'}})
    is_impl = facts.implemented(controller, action)
    if is_impl and facts.is_list(controller, action):
        parameters.extend(_query_parameters(controller))
    op: dict = {
        'operationId': op_id,
        'tags': [controller],
        'summary': f'{controller} {action}',
        'parameters': parameters,
        'x-masakari-action': action,
        'x-masakari-implemented': is_impl,
    }
    if controller == plans.CONTROLLER:
        op['x-masakari-min-version'] = plans.MIN_VERSION
        op['description'] = (
            'From microversion 1.4, offered with [DEFAULT] '
            'enable_recovery_plan_api; below it (or with a malformed '
            'version) the path answers 404 like an unknown one.')
    if not is_impl:
        op['description'] = ('Routed, but the controller has no such '
                             'action: always 405 (after the microversion '
                             'and Content-Type checks).')
    table = facts.request_schemas(controller, action) if is_impl else []
    if table and method in v1_app.BODY_METHODS:
        newest = schema_component(controller, action, table[0][0], True)
        op['requestBody'] = {
            'required': True,
            'content': {t: {'schema': {'$ref': facts.SCHEMA_REF + newest}}
                        for t in v1_app.SUPPORTED_TYPES},
        }
        if len(table) > 1:
            op['x-masakari-microversions'] = [
                {'min_version': str(low), 'max_version': str(high),
                 'schema': {'$ref': facts.SCHEMA_REF + schema_component(
                     controller, action, low, i == 0)}}
                for i, (low, high, _) in enumerate(
                    _microversion_ranges(table))]
        payloads = facts.payload_schemas(controller, action)
        if payloads:
            op['x-masakari-payload-schemas'] = {
                kind: {'$ref': facts.SCHEMA_REF +
                       f'{controller}.payload.{kind}'}
                for kind in payloads}
    responses: dict = {}
    if is_impl:
        status = facts.success_status(controller, action)
        responses[str(status)] = {
            '$ref': f'#/components/responses/{controller}.{action}'}
    for code in facts.error_statuses(controller, action, path):
        responses[str(code)] = {'$ref': f'#/components/responses/{code}'}
    op['responses'] = responses
    return op


def _responses() -> dict:
    codes = set()
    out = {}
    for method, path, controller, action in routes.route_table():
        codes.update(facts.error_statuses(controller, action, path))
        if facts.implemented(controller, action):
            out[f'{controller}.{action}'] = _success_response(controller,
                                                              action)
    for code in sorted(codes):
        name = facts.fault_name(code)
        out[str(code)] = {
            'description': f'{name} fault envelope',
            'headers': _header_refs(*_SUCCESS_HEADERS),
            'content': {'application/json': {
                'schema': {'$ref': facts.SCHEMA_REF + f'fault.{name}'}}},
        }
    return out


def _component_schemas() -> dict:
    shared = dialects.shared_schemas()
    out: dict = {name: dialects.to_openapi_schema(value, shared)
                 for name, value in shared.items()}
    for name in sorted(set(errors.FAULT_NAMES.values()) |
                       {errors.DEFAULT_FAULT_NAME}):
        out[f'fault.{name}'] = facts.fault_schema(name)
    for controller in facts.MODELS:
        single, plural = facts.envelope_keys(controller)
        ref = {'$ref': facts.SCHEMA_REF + single}
        out[single] = facts.resource_schema(controller)
        out[f'{single}.single'] = facts.envelope(single, ref)
        out[f'{single}.list'] = facts.envelope(
            plural, {'type': 'array', 'items': ref})
    out['version.single'] = facts.infer_schema(
        versions.v1_document('http://localhost'))
    alias = sorted(extensions_handler.EXTENSIONS)[0]
    view = extensions_handler._view(alias)
    out['extension.single'] = facts.infer_schema({'extension': view})
    out['extension.list'] = facts.infer_schema({'extensions': [view]})
    out.update(plans.component_schemas())
    for _, _, controller, action in routes.route_table():
        if not facts.implemented(controller, action):
            continue
        table = facts.request_schemas(controller, action)
        for i, (version, schema) in enumerate(table):
            name = schema_component(controller, action, version, i == 0)
            out[name] = dialects.to_openapi_schema(schema, shared)
        for kind, schema in facts.payload_schemas(controller, action).items():
            out[f'{controller}.payload.{kind}'] = dialects.to_openapi_schema(
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
        forms = [(facts.V1_PREFIX + path, False)]
        if not (controller == 'versions' and action == 'root'):
            forms.append((facts.V1_PREFIX + facts.PROJECT_PREFIX + path, True))
        for full, prefixed in forms:
            paths.setdefault(full, {})[method.lower()] = _operation(
                method, full, controller, action, prefixed)
    return {
        'openapi': facts.OPENAPI_VERSION,
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
    parser.add_argument('output', nargs='?', default=facts.DOCUMENT_PATH,
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
                  'python -m masakari.api_ref', file=sys.stderr)
            return 1
        return 0
    with open(args.output, 'w', encoding='utf-8') as handle:
        handle.write(text)
    return 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
