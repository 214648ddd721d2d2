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

"""Wire-conformance data: request -> exact status, headers and body.

Shared by the in-process conformance tests (test_conformance_wire.py) and
the functional ones that replay the same table against a real server
(masakari/tests/functional/conformance/).

Expected bodies are byte strings as upstream 22.0.0 writes them (spec
upstream's JSON layout: ``", "`` and ``": "`` separators, fixed key order) after
normalisation: known uuids become ``<name>``, other uuids ``<uuid>``,
integer ``"id"`` values ``<id>`` and ``created_at``/``updated_at``
timestamps (which must have six zero fractional digits) ``<ts>``.
Entries where the project deliberately differs from upstream name the
release note in ``note``.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any

from masakari.db import api as db_api

UUID_RE = re.compile(
    r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-'
    r'[0-9a-fA-F]{12}')
TS_RE = re.compile(
    r'"(created_at|updated_at)": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000"')
ID_RE = re.compile(r'"id": \d+')
REQUEST_ID_RE = re.compile(r'^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
                           r'[0-9a-f]{4}-[0-9a-f]{12}$')

ZERO = '00000000-0000-0000-0000-000000000000'

# Release notes of the differences from upstream kept on purpose.
NOTE_NO_500 = 'api-no-server-errors-8c901b3a9237e81c.yaml'
NOTE_BOOLEANS = 'api-booleans-filters-limits-9347b86436efcf59.yaml'
NOTE_INTAKE = 'api-notification-intake-7e786452e211fe4c.yaml'

JSON = 'application/json'
FAULT_JSON = 'application/json; charset=UTF-8'
ABSENT = None


def normalise(text: str, names: dict[str, str]) -> str:
    """Replace the run-dependent parts of a response body."""
    for name, value in names.items():
        text = text.replace(value, f'<{name}>')
    text = UUID_RE.sub('<uuid>', text)
    text = TS_RE.sub(lambda m: f'"{m.group(1)}": "<ts>"', text)
    return ID_RE.sub('"id": <id>', text)


def ok(version: str = '1.0', ctype: str = JSON) -> dict[str, str | None]:
    """Headers of a successful controller response."""
    return {'Content-Type': ctype,
            'OpenStack-API-Version': f'instance-ha {version}',
            'Vary': 'OpenStack-API-Version'}


def fault(version: str = '1.0') -> dict[str, str | None]:
    """Headers of a controller fault after a valid version was parsed."""
    return {'Content-Type': FAULT_JSON,
            'OpenStack-API-Version': f'instance-ha {version}',
            'Vary': 'OpenStack-API-Version'}


#: 406: no version header, but Vary.
FAULT_406 = {'Content-Type': FAULT_JSON, 'OpenStack-API-Version': ABSENT,
             'Vary': 'OpenStack-API-Version'}
#: Bad version format, unrouted 404, 413 from middleware: neither header.
BARE_FAULT = {'Content-Type': FAULT_JSON, 'OpenStack-API-Version': ABSENT,
              'Vary': ABSENT}
#: The versions app at ``/``.
ROOT = {'Content-Type': JSON, 'OpenStack-API-Version': ABSENT,
        'Vary': ABSENT, 'x-openstack-request-id': ABSENT}


def err(name: str, code: int, message: str) -> str:
    """The standard error envelope, as upstream serialises it."""
    import json
    return json.dumps({name: {'code': code, 'message': message}})


@dataclasses.dataclass(frozen=True)
class Exchange:
    """One request and the exact response upstream gives (or we fix)."""

    id: str
    method: str
    path: str
    status: str
    headers: dict[str, str | None]
    body: str | None = None
    json: Any = None
    raw: bytes | None = None
    version: str | None = None
    req_headers: dict[str, str] = dataclasses.field(default_factory=dict)
    setup: tuple[tuple[str, str, Any], ...] = ()
    note: str | None = None

    def __str__(self) -> str:
        return self.id


# --- representations normalised -------------------------------------------

SEG1 = ('{"id": <id>, "uuid": "<seg1>", "name": "seg1", "service_type": '
        '"COMPUTE", "enabled": true, "description": null, '
        '"recovery_method": "auto", "created_at": "<ts>", "updated_at": '
        'null, "deleted_at": null, "deleted": false}')
SEG2 = ('{"id": <id>, "uuid": "<seg2>", "name": "seg2", "service_type": '
        '"COMPUTE", "enabled": true, "description": "second", '
        '"recovery_method": "reserved_host", "created_at": "<ts>", '
        '"updated_at": null, "deleted_at": null, "deleted": false}')
HOST1 = ('{"id": <id>, "uuid": "<host1>", "name": "host1", '
         '"failover_segment_id": "<seg1>", "failover_segment": ' + SEG1 +
         ', "type": "COMPUTE", "reserved": false, "control_attributes": '
         '"SSH", "on_maintenance": false, "created_at": "<ts>", '
         '"updated_at": null, "deleted_at": null, "deleted": false}')
HOST2 = ('{"id": <id>, "uuid": "<host2>", "name": "host2", '
         '"failover_segment_id": "<seg1>", "failover_segment": ' + SEG1 +
         ', "type": "COMPUTE", "reserved": true, "control_attributes": '
         '"SSH", "on_maintenance": true, "created_at": "<ts>", '
         '"updated_at": null, "deleted_at": null, "deleted": false}')
VM_PAYLOAD = {'event': 'LIFECYCLE',
              'instance_uuid': '96ab1c42-668c-4f2d-8689-afa3301d4ee9',
              'vir_domain_event': 'STOPPED_FAILED'}
VM_PAYLOAD_JSON = ('{"event": "LIFECYCLE", "instance_uuid": "<uuid>", '
                   '"vir_domain_event": "STOPPED_FAILED"}')
NOTIF_HOST = ('{"id": <id>, "notification_uuid": "<notif_host>", '
              '"generated_time": "2026-11-22T01:00:00.000000", '
              '"source_host_uuid": "<host3>", "type": "COMPUTE_HOST", '
              '"payload": {"event": "STOPPED", "host_status": "NORMAL", '
              '"cluster_status": "OFFLINE"}, "status": "finished", '
              '"failover_segment_uuid": "<seg2>", "message": null, '
              '"created_at": "<ts>", "updated_at": "<ts>", '
              '"deleted_at": null, "deleted": false}')
VMOVE1 = ('{"id": <id>, "uuid": "<vmove1>", "notification_uuid": '
          '"<notif_host>", "instance_uuid": "<uuid>", "instance_name": '
          '"vm1", "source_host": "host3", "dest_host": "host5", '
          '"start_time": "2026-11-22T01:01:00.000000", "end_time": '
          '"2026-11-22T01:02:00.000000", "type": "evacuation", "status": '
          '"succeeded", "message": null, "created_at": "<ts>", '
          '"updated_at": null, "deleted_at": null, "deleted": false}')
VMOVE2 = ('{"id": <id>, "uuid": "<vmove2>", "notification_uuid": '
          '"<notif_host>", "instance_uuid": "<uuid>", "instance_name": '
          '"vm2", "source_host": "host3", "dest_host": null, '
          '"start_time": null, "end_time": null, "type": "evacuation", '
          '"status": "failed", "message": "boom", "created_at": "<ts>", '
          '"updated_at": null, "deleted_at": null, "deleted": false}')

VERSION_V1 = (
    '{"version": {"id": "v1.0", "status": "CURRENT", "version": "1.3", '
    '"min_version": "1.0", "updated": "2016-07-01T11:33:21Z", "links": '
    '[{"rel": "self", "href": "http://localhost/v1/"}, {"rel": '
    '"describedby", "type": "text/html", "href": '
    '"https://docs.openstack.org/"}], "media-types": [{"base": '
    '"application/json", "type": '
    '"application/vnd.openstack.masakari+json;version=1"}]}}')
VERSIONS_ROOT = (
    '{"versions": [{"id": "v1.0", "status": "CURRENT", "version": "1.3", '
    '"min_version": "1.0", "updated": "2016-07-01T11:33:21Z", "links": '
    '[{"rel": "self", "href": "http://localhost/v1/"}]}]}')


def choices(path: str) -> str:
    return ('{"choices": [{"id": "v1.0", "status": "CURRENT", "links": '
            '[{"rel": "self", "href": "http://localhost/v1' + path +
            '"}], "media-types": [{"base": "application/json", "type": '
            '"application/vnd.openstack.masakari+json;version=1"}]}]}')


def extension(name: str, alias: str, description: str) -> str:
    return (f'{{"name": "{name}", "alias": "{alias}", "description": '
            f'"{description}", "namespace": "", "updated": "", '
            f'"links": []}}')


EXTENSIONS = [
    extension('Extensions', 'extensions', 'Extension information.'),
    extension('Notifications', 'notifications', 'Notifications support.'),
    extension('Hosts', 'os-hosts', 'Hosts controller'),
    extension('Segments', 'segments', 'Segments Extension.'),
    extension('Versions', 'versions', 'API Version information.'),
    extension('vmoves', 'vmoves', 'vmoves controller'),
]

NOT_FOUND = err('itemNotFound', 404, 'The resource could not be found.')
PRINTABLE_NAME = ("An invalid 'name' value was provided. The name must be: "
                  "printable characters. Can not start or end with "
                  "whitespace.")
BOOL_VALUES = ("acceptable values are: '0', '1', 'f', 'false', 'n', 'no', "
               "'off', 'on', 't', 'true', 'y', 'yes'")


def seg_body(**fields: Any) -> dict:
    values = {'name': 'new', 'service_type': 'COMPUTE',
              'recovery_method': 'auto'}
    values.update(fields)
    return {'segment': values}


def host_body(**fields: Any) -> dict:
    values = {'name': 'host4', 'type': 'COMPUTE',
              'control_attributes': 'SSH'}
    values.update(fields)
    return {'host': values}


def notif_body(type: str = 'VM', hostname: str = 'host1',
               payload: Any = None,
               generated_time: str = '2026-11-22T01:00:00') -> dict:
    return {'notification': {
        'type': type, 'hostname': hostname, 'generated_time': generated_time,
        'payload': VM_PAYLOAD if payload is None else payload}}


S1 = '/v1/segments/<seg1>'
S2 = '/v1/segments/<seg2>'
H1 = S1 + '/hosts/<host1>'
NH = '/v1/notifications/<notif_host>'
NV = '/v1/notifications/<notif_vm>'


def _x(*args: Any, **kw: Any) -> Exchange:
    return Exchange(*args, **kw)


# --- URL layout, versions and extensions ---------------------------------

VERSIONS = [
    _x('root', 'GET', '/', '200 OK', ROOT, VERSIONS_ROOT),
    _x('root-any-method', 'POST', '/', '200 OK', ROOT, VERSIONS_ROOT),
    _x('choices-v2', 'GET', '/v2', '300 Multiple Choices', ROOT,
       choices('/v2')),
    _x('choices-v1.0', 'GET', '/v1.0', '300 Multiple Choices', ROOT,
       choices('/v1.0')),
    _x('choices-v10', 'GET', '/v10', '300 Multiple Choices', ROOT,
       choices('/v10')),
    _x('v1', 'GET', '/v1', '200 OK', ok(), VERSION_V1),
    _x('v1-slash', 'GET', '/v1/', '200 OK', ok(), VERSION_V1),
    _x('v1-latest', 'GET', '/v1', '200 OK', ok('1.3'), VERSION_V1,
       version='latest'),
    _x('versions-v1.0', 'GET', '/v1/versions/v1.0', '200 OK', ok(),
       VERSION_V1),
    _x('versions-other', 'GET', '/v1/versions/v2', '404 Not Found',
       fault(), NOT_FOUND),
    _x('versions-index', 'GET', '/v1/versions', '405 Method Not Allowed',
       fault(), err('badMethod', 405, "The request method: 'GET' with "
                    "action: 'index' is not allowed on this resource")),
    _x('extensions', 'GET', '/v1/extensions', '200 OK', ok(),
       '{"extensions": [' + ', '.join(EXTENSIONS) + ']}'),
    _x('extension', 'GET', '/v1/extensions/os-hosts', '200 OK', ok(),
       '{"extension": ' + EXTENSIONS[2] + '}'),
    _x('extension-unknown', 'GET', '/v1/extensions/nope', '404 Not Found',
       fault(), NOT_FOUND),
    _x('healthcheck', 'GET', '/healthcheck', '200 OK',
       {'Content-Type': 'text/plain; charset=UTF-8',
        'OpenStack-API-Version': ABSENT, 'x-openstack-request-id': ABSENT},
       'OK'),
    _x('healthcheck-head', 'HEAD', '/healthcheck', '204 No Content',
       {'OpenStack-API-Version': ABSENT}, ''),
]

# --- routing: 405 for missing actions, unrouted 404 ----------------------


def _bad_method(method: str, action: str) -> str:
    return err('badMethod', 405, f"The request method: '{method}' with "
               f"action: '{action}' is not allowed on this resource")


ROUTING = [
    _x(f'405-{method}-{path}', method, path, '405 Method Not Allowed',
       fault(), _bad_method(method, action))
    for method, path, action in [
        ('GET', '/v1/segments/new', 'new'),
        ('GET', S1 + '/edit', 'edit'),
        ('POST', S1 + '/action', 'action'),
        ('POST', NV + '/action', 'action'),
        ('PUT', NV, 'update'),
        ('DELETE', NV, 'delete'),
        ('POST', NH + '/vmoves', 'create'),
        ('PUT', NH + '/vmoves/<vmove1>', 'update'),
        ('DELETE', NH + '/vmoves/<vmove1>', 'delete'),
        ('POST', '/v1/extensions', 'create'),
    ]
] + [
    # Upstream: the raw WebOb HTML page; ours: the JSON envelope.
    _x(f'404-{method}-{path}', method, path, '404 Not Found', BARE_FAULT,
       NOT_FOUND if method != 'HEAD' else '', note=NOTE_NO_500)
    for method, path in [
        ('PATCH', S1), ('POST', S1), ('DELETE', '/v1/segments'),
        ('PUT', '/v1/segments'), ('HEAD', '/v1/segments'),
        ('GET', '/v1/segments/'), ('GET', '/v1/unknown'),
        ('GET', '/v1/p1/segments'), ('GET', '/v1/abc123'),
        ('HEAD', '/v1'), ('POST', '/v1'),
    ]
] + [
    _x('suffix-json', 'GET', '/v1/segments.json?sort_key=name&sort_dir=asc',
       '200 OK',
       ok(), '{"segments": [' + SEG1 + ', ' + SEG2 + ']}',
       req_headers={'Accept': 'application/vnd.openstack.masakari+json'}),
    _x('suffix-xml', 'GET', S1 + '.xml', '200 OK', ok(),
       '{"segment": ' + SEG1 + '}'),
    _x('project-prefix', 'GET', '/v1/abc123/segments/<seg1>', '200 OK',
       ok(), '{"segment": ' + SEG1 + '}'),
    _x('project-mismatch', 'GET', '/v1/def456/segments', '400 Bad Request',
       fault(), err('badRequest', 400, "Malformed request URL: URL's "
                    "project_id 'def456' doesn't match Context's "
                    "project_id 'abc123'")),
    _x('options-cors', 'OPTIONS', '/v1/segments', '200 OK',
       {'OpenStack-API-Version': ABSENT, 'x-openstack-request-id': ABSENT},
       ''),
]

# --- microversions -------------------------------------------------------


def _bad_format(ver: str) -> str:
    return err('badRequest', 400, f'API Version String {ver} is of invalid '
               f'format. Must be of format MajorNum.MinorNum.')


def _unsupported(ver: str) -> str:
    return err('masakariFault', 406, f'Version {ver} is not supported by '
               f'the API. Minimum is 1.0 and maximum is 1.3.')


EXTENSIONS_BODY = '{"extensions": [' + ', '.join(EXTENSIONS) + ']}'

MICROVERSIONS = [
    _x(f'version-header-{header}', 'GET', '/v1/extensions', '200 OK',
       ok(expected), EXTENSIONS_BODY,
       req_headers={'OpenStack-API-Version': header})
    for header, expected in [
        ('instance-ha 1.2', '1.2'),
        ('compute 2.1, instance-ha 1.1', '1.1'),
        ('INSTANCE-HA 1.3', '1.3'),
        ('instance-ha    1.2', '1.2'),
        ('instance-ha', '1.0'),
        ('instance-ha latest', '1.3'),
        ('masakari 1.2', '1.0'),
    ]
] + [
    _x('legacy-header-ignored', 'GET', '/v1/extensions', '200 OK',
       ok('1.0'), EXTENSIONS_BODY,
       req_headers={'X-OpenStack-Masakari-API-Version': '1.2'}),
] + [
    _x(f'version-format-{ver}', 'GET', '/v1/extensions', '400 Bad Request',
       BARE_FAULT, _bad_format(ver), version=ver)
    for ver in ('1.02', '01.2', '0.9', '1.2.1', '1.x', 'LATEST')
] + [
    _x(f'version-unsupported-{ver}', 'GET', '/v1/extensions',
       '406 Not Acceptable', FAULT_406, _unsupported(ver), version=ver)
    for ver in ('1.4', '2.0')
] + [
    _x('version-before-405', 'GET', '/v1/segments/new',
       '406 Not Acceptable', FAULT_406, _unsupported('1.4'), version='1.4'),
    _x('unrouted-before-version', 'GET', '/v1/unknown', '404 Not Found',
       BARE_FAULT, NOT_FOUND, version='1.4', note=NOTE_NO_500),
    _x('version-before-content-type', 'POST', '/v1/segments',
       '400 Bad Request', BARE_FAULT, _bad_format('1.02'), raw=b'{}',
       version='1.02', req_headers={'Content-Type': 'text/xml'}),
]

# --- content types and bodies --------------------------------------------

CONTENT = [
    _x('accept-vendor', 'GET', S1, '200 OK',
       ok(ctype='application/vnd.openstack.masakari+json'),
       '{"segment": ' + SEG1 + '}',
       req_headers={'Accept': 'application/vnd.openstack.masakari+json'}),
    _x('accept-html', 'GET', S1, '200 OK', ok(), '{"segment": ' + SEG1 + '}',
       req_headers={'Accept': 'text/html'}),
    _x('accept-any', 'GET', S1, '200 OK', ok(), '{"segment": ' + SEG1 + '}',
       req_headers={'Accept': '*/*'}),
    _x('accept-q-values', 'GET', S1, '200 OK',
       ok(ctype='application/vnd.openstack.masakari+json'),
       '{"segment": ' + SEG1 + '}', req_headers={
           'Accept': 'application/json;q=0.1, '
                     'application/vnd.openstack.masakari+json'}),
    _x('fault-ignores-accept', 'GET', '/v1/segments/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, 'No failover segment with id abc.'),
       req_headers={'Accept': 'application/vnd.openstack.masakari+json'}),
    _x('content-type-vendor', 'PUT', S1, '200 OK', ok(),
       '{"segment": ' + SEG1 + '}', raw=b'{"segment": {"name": "seg1"}}',
       req_headers={'Content-Type': 'application/vnd.openstack.masakari+json'}),
    _x('content-type-charset', 'PUT', S1, '200 OK', ok(),
       '{"segment": ' + SEG1 + '}', raw=b'{"segment": {"name": "seg1"}}',
       req_headers={'Content-Type': 'application/json; charset=UTF-8'}),
    _x('content-type-xml', 'POST', '/v1/segments', '415 Unsupported Media '
       'Type', fault(), err('badMediaType', 415, 'Unsupported Content-Type'),
       raw=b'{}', req_headers={'Content-Type': 'text/xml'}),
    _x('content-type-before-405', 'GET', '/v1/segments/new',
       '415 Unsupported Media Type', fault(),
       err('badMediaType', 415, 'Unsupported Content-Type'),
       req_headers={'Content-Type': 'text/xml'}),
    _x('content-type-plain-parsed', 'POST', '/v1/segments',
       '400 Bad Request', fault(),
       err('badRequest', 400, "[1, 2] is not of type 'object'"),
       raw=b'[1, 2]', req_headers={'Content-Type': 'text/plain'}),
    _x('empty-body', 'POST', '/v1/segments', '400 Bad Request', fault(),
       err('badRequest', 400, "None is not of type 'object'"), raw=b'',
       req_headers={'Content-Type': 'application/json'}),
    _x('null-body', 'PUT', S1, '400 Bad Request', fault(),
       err('badRequest', 400, "None is not of type 'object'"), raw=b'null',
       req_headers={'Content-Type': 'application/json'}),
    _x('malformed-body', 'POST', '/v1/segments', '400 Bad Request', fault(),
       err('badRequest', 400, 'Malformed request body'), raw=b'{"segment"',
       req_headers={'Content-Type': 'application/json'}),
    _x('invalid-utf8-body', 'POST', '/v1/segments', '400 Bad Request',
       fault(), err('badRequest', 400, 'Malformed request body'),
       raw=b'{"a": "\xff"}',
       req_headers={'Content-Type': 'application/json'}),
    _x('body-too-large', 'POST', '/v1/segments', '413 Request Entity Too '
       'Large', BARE_FAULT, err('overLimit', 413, 'Request is too large.'),
       raw=b'{"a": "' + b'x' * 114688 + b'"}',
       req_headers={'Content-Type': 'application/json'}, note=NOTE_NO_500),
    _x('non-ascii-escaped', 'POST', '/v1/segments', '201 Created', ok(),
       '{"segment": {"id": <id>, "uuid": "<uuid>", "name": "s\\u00e9g", '
       '"service_type": "COMPUTE", "enabled": true, "description": '
       '"d\\u00e9 \\u65e5", "recovery_method": "auto", "created_at": '
       '"<ts>", "updated_at": null, "deleted_at": null, "deleted": false}}',
       json=seg_body(name='s\u00e9g', description='d\u00e9 \u65e5')),
]

# --- list parameters ------------------------------------------------------

LISTS = [
    _x('limit-0', 'GET', '/v1/segments?limit=0', '200 OK', ok(),
       '{"segments": []}'),
    _x('limit-last-wins', 'GET',
       '/v1/segments?limit=3&limit=1&sort_key=name&sort_dir=asc',
       '200 OK', ok(), '{"segments": [' + SEG1 + ']}'),
    _x('default-order', 'GET', '/v1/segments?sort_key=id', '200 OK', ok(),
       '{"segments": [' + SEG2 + ', ' + SEG1 + ']}'),
    _x('sort-asc-stripped', 'GET', '/v1/segments?sort_key=%20name%20'
       '&sort_dir=%20asc', '200 OK', ok(),
       '{"segments": [' + SEG1 + ', ' + SEG2 + ']}'),
    _x('filters', 'GET', '/v1/segments?recovery_method=reserved_host'
       '&service_type=COMPUTE&name=ignored', '200 OK', ok(),
       '{"segments": [' + SEG2 + ']}'),
] + [
    _x(f'list-param-{query}', 'GET', f'/v1/segments?{query}',
       '400 Bad Request', fault(), err('badRequest', 400, message))
    for query, message in [
        ('limit=abc', 'Invalid input received: limit must be an integer'),
        ('limit=1.5', 'Invalid input received: limit must be an integer'),
        ('limit=', 'Invalid input received: limit must be an integer'),
        ('limit=-1', 'Invalid input received: limit must be >= 0'),
        ('page_size=x',
         'Invalid input received: page_size must be an integer'),
        ('page_size=-2', 'Invalid input received: page_size must be >= 0'),
        ('marker=aed94a4b-a7a7-492d-87c8-c893e5c308f3',
         'Marker aed94a4b-a7a7-492d-87c8-c893e5c308f3 could not be found.'),
        ('marker=', 'Marker  could not be found.'),
        ('marker=999999', 'Marker 999999 could not be found.'),
        ('sort_key=bogus', 'Sort key supplied is invalid: bogus'),
        ('sort_key=name,id', 'Sort key supplied is invalid: name,id'),
        ('sort_key=', 'Sort key supplied is invalid: '),
        ('sort_dir=up', "Invalid input received: Unknown sort direction, "
                        "must be 'asc' or 'desc'"),
        ('sort_key=name&sort_dir=asc&sort_dir=desc',
         'Invalid input received: Sort direction size exceeds sort key '
         'size'),
    ]
]

# --- segments -------------------------------------------------------------

SEG_CREATED = ('{"segment": {"id": <id>, "uuid": "<uuid>", "name": "seg9", '
               '"service_type": "COMPUTE", "enabled": false, "description": '
               'null, "recovery_method": "auto", "created_at": "<ts>", '
               '"updated_at": null, "deleted_at": null, "deleted": false}}')


def _invalid(field: str, value: str, message: str) -> str:
    return err('badRequest', 400, f'Invalid input for field/attribute '
               f'{field}. Value: {value}. {message}')


SEGMENTS = [
    # Appendix A, first exchange.
    _x('segment-create-1.2', 'POST', '/v1/segments', '201 Created',
       ok('1.2'), SEG_CREATED, version='1.2',
       json={'segment': {'name': 'seg9', 'service_type': 'COMPUTE',
                         'recovery_method': 'auto', 'enabled': False}}),
    _x('segment-create-enabled-string', 'POST', '/v1/segments',
       '201 Created', ok('1.3'), SEG_CREATED, version='1.3',
       json=seg_body(name='seg9', enabled='off')),
    _x('segment-create-enabled-1.1', 'POST', '/v1/segments',
       '400 Bad Request', fault('1.1'),
       _invalid('segment', "{'name': 'new', 'service_type': 'COMPUTE', "
                "'recovery_method': 'auto', 'enabled': True}",
                "Additional properties are not allowed ('enabled' was "
                "unexpected)"),
       version='1.1', json=seg_body(enabled=True)),
    _x('segment-create-enabled-number', 'POST', '/v1/segments',
       '400 Bad Request', fault('1.2'),
       _invalid('enabled', '1', "1 is not of type 'boolean', 'string'"),
       version='1.2', json=seg_body(enabled=1)),
    _x('segment-create-duplicate', 'POST', '/v1/segments', '409 Conflict',
       fault(), err('conflictingRequest', 409,
                    'Failover segment with name seg1 already exists.'),
       json=seg_body(name='seg1')),
    _x('segment-create-name-space', 'POST', '/v1/segments',
       '400 Bad Request', fault(), err('badRequest', 400, PRINTABLE_NAME),
       json=seg_body(name=' lead')),
    _x('segment-create-service-type-space', 'POST', '/v1/segments',
       '400 Bad Request', fault(), err('badRequest', 400, PRINTABLE_NAME),
       json=seg_body(service_type='trail ')),
    _x('segment-create-name-astral', 'POST', '/v1/segments',
       '400 Bad Request', fault(), err('badRequest', 400, PRINTABLE_NAME),
       json=seg_body(name='a\U0001F600')),
    _x('segment-create-name-empty', 'POST', '/v1/segments',
       '400 Bad Request', fault(),
       _invalid('name', '', "'' should be non-empty"),
       json=seg_body(name='')),
    _x('segment-create-name-number', 'POST', '/v1/segments',
       '400 Bad Request', fault(),
       _invalid('name', '5', "5 is not of type 'string'"),
       json=seg_body(name=5)),
    _x('segment-create-recovery-method', 'POST', '/v1/segments',
       '400 Bad Request', fault(),
       _invalid('recovery_method', 'bogus', "'bogus' is not one of "
                "('auto', 'reserved_host', 'auto_priority', "
                "'rh_priority')"),
       json=seg_body(recovery_method='bogus')),
    _x('segment-create-missing', 'POST', '/v1/segments', '400 Bad Request',
       fault(), _invalid('segment', "{'name': 'a', 'recovery_method': "
                         "'auto'}",
                         "'service_type' is a required property"),
       json={'segment': {'name': 'a', 'recovery_method': 'auto'}}),
    _x('segment-create-extra', 'POST', '/v1/segments', '400 Bad Request',
       fault(), err('badRequest', 400, "Additional properties are not "
                    "allowed ('x' was unexpected)"),
       json={**seg_body(), 'x': 1}),
    _x('segment-create-no-envelope', 'POST', '/v1/segments',
       '400 Bad Request', fault(),
       err('badRequest', 400, "'segment' is a required property"),
       json={'name': 'x'}),
    _x('segment-show-unknown', 'GET', '/v1/segments/' + ZERO,
       '404 Not Found', fault(), err('itemNotFound', 404,
                                     f'No failover segment with id {ZERO}.')),
    _x('segment-show-not-uuid', 'GET', '/v1/segments/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, 'No failover segment with id abc.')),
    _x('segment-show', 'GET', S1, '200 OK', ok(), '{"segment": ' + SEG1 +
       '}'),
    _x('segment-update-empty', 'PUT', S1, '400 Bad Request', fault(),
       _invalid('segment', '{}', '{} is not valid under any of the given '
                'schemas'), json={'segment': {}}),
    _x('segment-update', 'PUT', S1, '200 OK', ok('1.2'),
       '{"segment": ' + SEG1.replace('"seg1"', '"seg1b"').replace(
           '"enabled": true', '"enabled": false').replace(
           '"updated_at": null', '"updated_at": "<ts>"') + '}',
       version='1.2', json={'segment': {'name': 'seg1b',
                                        'enabled': 'false'}},
       note=NOTE_BOOLEANS),
    _x('segment-update-same-name', 'PUT', S1, '200 OK', ok(),
       '{"segment": ' + SEG1 + '}', json={'segment': {'name': 'seg1'}}),
    _x('segment-update-duplicate', 'PUT', S1, '409 Conflict', fault(),
       err('conflictingRequest', 409,
           'Failover segment with name seg2 already exists.'),
       json={'segment': {'name': 'seg2'}}),
    _x('segment-update-in-use', 'PUT', S2, '409 Conflict', fault(),
       err('conflictingRequest', 409, "Failover segment <seg2> can't be "
           "updated as it is in-use to process notifications."),
       json={'segment': {'description': 'x'}}),
    _x('segment-update-upper-uuid', 'PUT', '/v1/segments/<SEG1>',
       '404 Not Found', fault(),
       err('itemNotFound', 404, 'No failover segment with id <SEG1>.'),
       json={'segment': {'description': 'x'}}),
    _x('segment-delete-in-use', 'DELETE', S2, '409 Conflict', fault(),
       err('conflictingRequest', 409, "Failover segment (<seg2>) can't be "
           "deleted as it is in-use to process notifications.")),
    _x('segment-delete', 'DELETE', S1, '204 No Content', ok(), ''),
    _x('segment-delete-twice', 'DELETE', S1, '404 Not Found', fault(),
       err('itemNotFound', 404, 'No failover segment with id <seg1>.'),
       setup=(('DELETE', S1, None),)),
    _x('segment-delete-cascades', 'GET', H1, '404 Not Found', fault(),
       err('itemNotFound', 404, "Host '<host1>' under failover_segment "
           "'<seg1>' could not be found."),
       setup=(('DELETE', S1, None),)),
    _x('segment-list-enabled-filter', 'GET', '/v1/segments?enabled=0',
       '200 OK', ok(), '{"segments": []}', note=NOTE_BOOLEANS),
    _x('segment-list-enabled-junk', 'GET', '/v1/segments?enabled=junk',
       '400 Bad Request', fault(), err(
           'badRequest', 400, "Invalid value for enabled: Unrecognized "
           f"value 'junk', {BOOL_VALUES}"), note=NOTE_BOOLEANS),
]

# --- hosts ----------------------------------------------------------------

HOST_CREATED = (
    '{"host": {"id": <id>, "uuid": "<uuid>", "name": "host4", '
    '"failover_segment_id": "<seg1>", "failover_segment": ' + SEG1 +
    ', "type": "COMPUTE", "reserved": true, "control_attributes": "SSH", '
    '"on_maintenance": false, "created_at": "<ts>", "updated_at": null, '
    '"deleted_at": null, "deleted": false}}')

HOSTS = [
    # Appendix A, second exchange (plus the CLI's string booleans).
    _x('host-create', 'POST', S1 + '/hosts', '201 Created', ok(),
       HOST_CREATED, json=host_body(reserved='True',
                                    on_maintenance='False')),
    _x('host-list', 'GET', S1 + '/hosts?sort_key=name&sort_dir=asc',
       '200 OK', ok(), '{"hosts": [' + HOST1 + ', ' + HOST2 + ']}'),
    _x('host-list-filters', 'GET', S1 + '/hosts?on_maintenance=True'
       '&reserved=yes&type=COMPUTE&failover_segment_id=ignored', '200 OK',
       ok(), '{"hosts": [' + HOST2 + ']}'),
    _x('host-list-name-filter', 'GET', S1 + '/hosts?name=host1', '200 OK',
       ok(), '{"hosts": [' + HOST1 + ']}', note=NOTE_BOOLEANS),
    _x('host-list-bad-bool', 'GET', S1 + '/hosts?on_maintenance=junk',
       '400 Bad Request', fault(), err(
           'badRequest', 400, "Invalid value for on_maintenance: "
           f"Unrecognized value 'junk', {BOOL_VALUES}")),
    _x('host-list-bad-reserved', 'GET', S1 + '/hosts?reserved=2',
       '400 Bad Request', fault(), err(
           'badRequest', 400, "Invalid value for reserved: "
           f"Unrecognized value '2', {BOOL_VALUES}")),
    _x('host-list-unknown-segment', 'GET', f'/v1/segments/{ZERO}/hosts',
       '404 Not Found', fault(),
       err('itemNotFound', 404, f'No failover segment with id {ZERO}.')),
    _x('host-list-sort-relationship', 'GET',
       S1 + '/hosts?sort_key=failover_segment', '400 Bad Request', fault(),
       err('badRequest', 400, 'Sort key supplied is invalid: '
           'failover_segment'), note=NOTE_NO_500),
    _x('host-create-unknown-segment', 'POST', f'/v1/segments/{ZERO}/hosts',
       '404 Not Found', fault(),
       err('itemNotFound', 404, f'No failover segment with id {ZERO}.'),
       json=host_body()),
    _x('host-create-not-compute', 'POST', S1 + '/hosts', '400 Bad Request',
       fault(), err('badRequest', 400, 'Compute service with name nohost '
                    'could not be found.'), json=host_body(name='nohost')),
    _x('host-create-duplicate', 'POST', S2 + '/hosts', '409 Conflict',
       fault(), err('conflictingRequest', 409,
                    'Host with name host1 already exists.'),
       json=host_body(name='host1')),
    _x('host-create-type-underscore', 'POST', S1 + '/hosts',
       '400 Bad Request', fault(),
       _invalid('type', 'COMPUTE_HOST', "'COMPUTE_HOST' does not match "
                "'^[a-zA-Z0-9]*$'"), json=host_body(type='COMPUTE_HOST')),
    _x('host-create-type-null', 'POST', S1 + '/hosts', '400 Bad Request',
       fault(), _invalid('type', 'None', "None is not of type 'string'"),
       json=host_body(type=None), note=NOTE_NO_500),
    _x('host-create-control-null', 'POST', S1 + '/hosts',
       '400 Bad Request', fault(),
       _invalid('control_attributes', 'None',
                "None is not of type 'string'"),
       json=host_body(control_attributes=None), note=NOTE_NO_500),
    _x('host-create-reserved-number', 'POST', S1 + '/hosts',
       '400 Bad Request', fault(),
       _invalid('reserved', '1', "1 is not of type 'boolean', 'string'"),
       json=host_body(reserved=1)),
    _x('host-show', 'GET', H1, '200 OK', ok(), '{"host": ' + HOST1 + '}'),
    _x('host-show-not-uuid', 'GET', S1 + '/hosts/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, 'No host with id abc.')),
    _x('host-show-unknown', 'GET', S1 + f'/hosts/{ZERO}', '404 Not Found',
       fault(), err('itemNotFound', 404, f"Host '{ZERO}' under "
                    "failover_segment '<seg1>' could not be found.")),
    _x('host-show-other-segment', 'GET', S2 + '/hosts/<host1>',
       '404 Not Found', fault(), err('itemNotFound', 404, "Host '<host1>' "
                                     "under failover_segment '<seg2>' "
                                     "could not be found.")),
    _x('host-update-not-uuid', 'PUT', S1 + '/hosts/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, "Host 'abc' under "
                    "failover_segment '<seg1>' could not be found."),
       json={'host': {'reserved': True}}),
    _x('host-update-empty', 'PUT', H1, '400 Bad Request', fault(),
       _invalid('host', '{}', '{} is not valid under any of the given '
                'schemas'), json={'host': {}}),
    _x('host-update-segment-id', 'PUT', H1, '400 Bad Request', fault(),
       _invalid('host', "{'failover_segment_id': '<seg2>'}",
                "Additional properties are not allowed "
                "('failover_segment_id' was unexpected)"),
       json={'host': {'failover_segment_id': '<seg2>'}}),
    _x('host-update', 'PUT', H1, '200 OK', ok(), '{"host": ' +
       HOST1.replace('"on_maintenance": false, "created_at": "<ts>", '
                     '"updated_at": null',
                     '"on_maintenance": true, "created_at": "<ts>", '
                     '"updated_at": "<ts>"') + '}',
       json={'host': {'on_maintenance': 'True'}}),
    _x('host-update-not-compute', 'PUT', H1, '400 Bad Request', fault(),
       err('badRequest', 400, 'Compute service with name nohost could not '
           'be found.'), json={'host': {'name': 'nohost'}}),
    _x('host-update-duplicate', 'PUT', H1, '409 Conflict', fault(),
       err('conflictingRequest', 409, 'Host with name host2 already '
           'exists.'), json={'host': {'name': 'host2'}}),
    _x('host-update-in-use', 'PUT', S2 + '/hosts/<host3>', '409 Conflict',
       fault(), err('conflictingRequest', 409, "Host <host3> can't be "
                    "updated as it is in-use to process notifications."),
       json={'host': {'reserved': False}}),
    _x('host-delete-in-use', 'DELETE', S2 + '/hosts/<host3>',
       '409 Conflict', fault(), err('conflictingRequest', 409,
                                    "Host <host3> can't be deleted as it "
                                    "is in-use to process notifications.")),
    _x('host-delete', 'DELETE', H1, '204 No Content', ok(), ''),
    _x('host-delete-unknown', 'DELETE', S1 + '/hosts/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, "Host 'abc' under "
                    "failover_segment '<seg1>' could not be found.")),
]

# --- notifications --------------------------------------------------------

NOTIF_CREATED = (
    '{"notification": {"id": <id>, "notification_uuid": "<uuid>", '
    '"generated_time": "2026-11-22T01:00:00.000000", "source_host_uuid": '
    '"<host1>", "type": "VM", "payload": ' + VM_PAYLOAD_JSON + ', '
    '"status": "new", "failover_segment_uuid": "<seg1>", "message": null, '
    '"created_at": "<ts>", "updated_at": null, "deleted_at": null, '
    '"deleted": false}}')

NOTIFICATIONS = [
    # Appendix A, third exchange.
    _x('notification-create', 'POST', '/v1/notifications', '202 Accepted',
       ok(), NOTIF_CREATED, json=notif_body()),
    _x('notification-create-tz', 'POST', '/v1/notifications',
       '202 Accepted', ok(), NOTIF_CREATED,
       json=notif_body(generated_time='2026-11-22T10:00:00+09:00')),
    _x('notification-duplicate', 'POST', '/v1/notifications',
       '409 Conflict', fault(), err(
           'conflictingRequest', 409, 'Notification received from host '
           'host1 of type VM is duplicate.'), json=notif_body(),
       setup=(('POST', '/v1/notifications', notif_body()),)),
    _x('notification-older-duplicate', 'POST', '/v1/notifications',
       '409 Conflict', fault(), err(
           'conflictingRequest', 409, 'Notification received from host '
           'host1 of type VM is duplicate.'),
       json=notif_body(generated_time='2026-11-20T01:00:00'),
       setup=(('POST', '/v1/notifications', notif_body()),)),
    _x('notification-maintenance', 'POST', '/v1/notifications',
       '409 Conflict', fault(), err(
           'conflictingRequest', 409, "Notification received from host "
           "host2 of type 'VM' is ignored as the host is already under "
           "maintenance."), json=notif_body(hostname='host2')),
    _x('notification-unknown-host', 'POST', '/v1/notifications',
       '400 Bad Request', fault(), err('badRequest', 400, 'Host with name '
                                       'host7 could not be found.'),
       json=notif_body(hostname='host7')),
    _x('notification-bad-hostname', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       _invalid('hostname', 'a b', "'a b' does not match "
                "'^[a-zA-Z0-9-._]*$'"), json=notif_body(hostname='a b')),
    _x('notification-bad-time', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       _invalid('generated_time', 'yesterday',
                "'yesterday' is not a 'date-time'"),
       json=notif_body(generated_time='yesterday')),
    _x('notification-bad-type', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       _invalid('type', 'X', "'X' is not one of ('COMPUTE_HOST', 'VM', "
                "'PROCESS')"), json=notif_body(type='X')),
    _x('notification-payload-root', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       err('badRequest', 400, "'vir_domain_event' is a required property"),
       json=notif_body(payload={'event': 'LIFECYCLE',
                                'instance_uuid': VM_PAYLOAD[
                                    'instance_uuid']})),
    _x('notification-payload-extra', 'POST', '/v1/notifications',
       '400 Bad Request', fault(), err(
           'badRequest', 400, "Additional properties are not allowed "
           "('extra' was unexpected)"),
       json=notif_body(type='COMPUTE_HOST',
                       payload={'event': 'STOPPED', 'extra': 'x'})),
    _x('notification-process-lower-case', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       _invalid('event', 'stopped', "'stopped' is not one of ['STARTED', "
                "'STOPPED']"),
       json=notif_body(type='PROCESS', payload={
           'process_name': 'nova-compute', 'event': 'stopped'})),
    _x('notification-vm-bad-uuid', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       _invalid('instance_uuid', 'abc', "'abc' is not a 'uuid'"),
       json=notif_body(payload={**VM_PAYLOAD, 'instance_uuid': 'abc'})),
    _x('notification-payload-not-string', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       _invalid('event', '1', "1 is not of type 'string'"),
       json=notif_body(payload={**VM_PAYLOAD, 'event': 1})),
    _x('notification-show', 'GET', NH, '200 OK', ok(),
       '{"notification": ' + NOTIF_HOST + '}'),
    _x('notification-show-not-uuid', 'GET', '/v1/notifications/abc',
       '404 Not Found', fault(),
       err('itemNotFound', 404, 'No notification with id abc.')),
    _x('notification-show-unknown-1.1', 'GET', f'/v1/notifications/{ZERO}',
       '404 Not Found', fault('1.1'),
       err('itemNotFound', 404, f'No notification with id {ZERO}.'),
       version='1.1'),
    _x('notification-list-filters', 'GET', '/v1/notifications?status='
       'finished&type=COMPUTE_HOST&source_host_uuid=<host3>'
       '&generated-since=2026-11-22T09:59:00%2B09:00', '200 OK', ok(),
       '{"notifications": [' + NOTIF_HOST + ']}'),
    _x('notification-list-since-later', 'GET', '/v1/notifications?'
       'generated-since=2026-11-22T01:00:01Z&generated_since=ignored',
       '200 OK', ok(), '{"notifications": []}'),
    _x('notification-list-bad-since', 'GET',
       '/v1/notifications?generated-since=junk', '400 Bad Request', fault(),
       err('badRequest', 400, 'Invalid generated-since value')),
]

# --- vmoves ---------------------------------------------------------------

VMOVES = [
    # Appendix A, fifth exchange.
    _x('vmove-list', 'GET', NH + '/vmoves?sort_key=instance_name'
       '&sort_dir=asc', '200 OK', ok(),
       '{"vmoves": [' + VMOVE1 + ', ' + VMOVE2 + ']}'),
    _x('vmove-list-filters', 'GET', NH + '/vmoves?status=failed'
       '&type=evacuation', '200 OK', ok(), '{"vmoves": [' + VMOVE2 + ']}'),
    _x('vmove-list-1.3', 'GET', NH + '/vmoves?status=succeeded', '200 OK',
       ok('1.3'), '{"vmoves": [' + VMOVE1 + ']}', version='1.3'),
    _x('vmove-show', 'GET', NH + '/vmoves/<vmove2>', '200 OK', ok(),
       '{"vmove": ' + VMOVE2 + '}'),
    _x('vmove-list-not-host-type', 'GET', NV + '/vmoves',
       '400 Bad Request', fault(), err(
           'badRequest', 400, 'This notification <notif_vm> without vm '
           'moves.')),
    _x('vmove-show-not-host-type', 'GET', NV + '/vmoves/<vmove1>',
       '400 Bad Request', fault(), err(
           'badRequest', 400, 'This notification <notif_vm> without vm '
           'moves.')),
    _x('vmove-list-unknown-notification', 'GET',
       f'/v1/notifications/{ZERO}/vmoves', '404 Not Found', fault(),
       err('itemNotFound', 404, f'No notification with id {ZERO}.')),
    _x('vmove-show-unknown-notification', 'GET',
       f'/v1/notifications/{ZERO}/vmoves/<vmove1>', '404 Not Found',
       fault(), err('itemNotFound', 404, f'No notification with id {ZERO}.'),
       note=NOTE_NO_500),
    _x('vmove-show-unknown', 'GET', NH + f'/vmoves/{ZERO}', '404 Not Found',
       fault(), err('itemNotFound', 404, f'No vm move with id {ZERO}.')),
    _x('vmove-show-not-uuid', 'GET', NH + '/vmoves/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, 'No vm move with id abc.')),
    _x('vmove-list-bad-marker', 'GET', NH + '/vmoves?marker=x',
       '400 Bad Request', fault(),
       err('badRequest', 400, 'Marker x could not be found.')),
]

# --- more rules -----------------------------------------------------------

BOOL_ENUM = ("[True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', "
             "'Yes', 'yes', False, 'False', 'FALSE', 'false', '0', 'OFF', "
             "'Off', 'off', 'NO', 'No', 'no']")
PROCESS_CREATED = (
    '{"notification": {"id": <id>, "notification_uuid": "<uuid>", '
    '"generated_time": "GT", "source_host_uuid": "<host1>", "type": '
    '"PROCESS", "payload": {"process_name": "nova-compute", "event": '
    '"STOPPED"}, "status": "new", "failover_segment_uuid": "<seg1>", '
    '"message": null, "created_at": "<ts>", "updated_at": null, '
    '"deleted_at": null, "deleted": false}}')
PROCESS = {'process_name': 'nova-compute', 'event': 'STOPPED'}

MORE = [
    _x('v1-unsupported-version', 'GET', '/v1', '406 Not Acceptable',
       FAULT_406, _unsupported('1.4'), version='1.4'),
    _x('v1-bad-version', 'GET', '/v1', '400 Bad Request', BARE_FAULT,
       _bad_format('1.02'), version='1.02'),
    _x('get-body-ignored', 'GET', S1, '200 OK', ok(),
       '{"segment": ' + SEG1 + '}', raw=b'{',
       req_headers={'Content-Type': 'application/json'}),
    _x('delete-body-ignored', 'DELETE', H1, '204 No Content', ok(), '',
       raw=b'{', req_headers={'Content-Type': 'application/json'}),
    _x('project-prefix-slash', 'GET', '/v1/abc123/', '404 Not Found',
       BARE_FAULT, NOT_FOUND, note=NOTE_NO_500),
    _x('project-prefix-upper-case', 'GET', '/v1/ABC123/segments',
       '404 Not Found', BARE_FAULT, NOT_FOUND,
       req_headers={'X-Project-Id': 'ABC123'}, note=NOTE_NO_500),
    _x('host-marker-unscoped', 'GET', S1 + '/hosts?marker=999999',
       '400 Bad Request', fault(),
       err('badRequest', 400, 'Marker 999999 could not be found.')),
    _x('notification-sort-any-column', 'GET', '/v1/notifications?'
       'sort_key=payload&sort_key=status&sort_dir=asc&type=COMPUTE_HOST',
       '200 OK', ok(), '{"notifications": [' + NOTIF_HOST + ']}'),
    _x('notification-sort-not-column', 'GET',
       '/v1/notifications?sort_key=hostname', '400 Bad Request', fault(),
       err('badRequest', 400, 'Sort key supplied is invalid: hostname')),
    _x('notification-status-last-wins', 'GET', '/v1/notifications?'
       'status=bogus&status=finished', '200 OK', ok(),
       '{"notifications": [' + NOTIF_HOST + ']}'),
    _x('vmove-page-size', 'GET', NH + '/vmoves?page_size=x',
       '400 Bad Request', fault(), err(
           'badRequest', 400,
           'Invalid input received: page_size must be an integer')),
    _x('segment-update-enabled-yes', 'PUT', S1, '200 OK', ok('1.2'),
       '{"segment": ' + SEG1 + '}', version='1.2',
       json={'segment': {'enabled': 'yes', 'description': None}}),
    _x('segment-update-enabled-1.0', 'PUT', S1, '400 Bad Request', fault(),
       _invalid('segment', "{'enabled': False}", "Additional properties "
                "are not allowed ('enabled' was unexpected)"),
       json={'segment': {'enabled': False}}),
    _x('segment-update-enabled-junk', 'PUT', S1, '400 Bad Request',
       fault('1.2'), _invalid('enabled', 'maybe', f"'maybe' is not one of "
                              f"{BOOL_ENUM}"), version='1.2',
       json={'segment': {'enabled': 'maybe'}}),
    _x('host-create-reserved-junk', 'POST', S1 + '/hosts',
       '400 Bad Request', fault(),
       _invalid('reserved', 'tRuE', f"'tRuE' is not one of {BOOL_ENUM}"),
       json=host_body(reserved='tRuE')),
    _x('segment-description-controls', 'POST', '/v1/segments',
       '201 Created', ok(),
       '{"segment": {"id": <id>, "uuid": "<uuid>", "name": "a b", '
       '"service_type": "COMPUTE", "enabled": true, "description": '
       '" x\\ny ", "recovery_method": "auto", "created_at": "<ts>", '
       '"updated_at": null, "deleted_at": null, "deleted": false}}',
       json=seg_body(name='a b', description=' x\ny ')),
    _x('segment-name-line-separator', 'POST', '/v1/segments',
       '400 Bad Request', fault(), err('badRequest', 400, PRINTABLE_NAME),
       json=seg_body(name='a\u2028b')),
    _x('notification-payload-key', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       _invalid('payload', "{'a/b': 'x'}", "'a/b' does not match any of "
                "the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"),
       json=notif_body(payload={'a/b': 'x'})),
    _x('notification-payload-nested', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       _invalid('event', "{'a': 'b'}", "{'a': 'b'} is not of type "
                "'string'"), json=notif_body(payload={'event': {'a': 'b'}})),
    _x('notification-payload-list', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       _invalid('payload', '[]', "[] is not of type 'object'"),
       json=notif_body(payload=[])),
    _x('notification-host-status', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       _invalid('host_status', 'bad', "'bad' is not one of ['NORMAL', "
                "'UNKNOWN']"),
       json=notif_body(type='COMPUTE_HOST', payload={
           'event': 'STOPPED', 'host_status': 'bad'})),
    _x('notification-host-empty-payload', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       err('badRequest', 400, "'event' is a required property"),
       json=notif_body(type='COMPUTE_HOST', payload={})),
    # The order of the checks decides which error wins.
    _x('order-405-before-body', 'POST', S1 + '/action',
       '405 Method Not Allowed', fault(), _bad_method('POST', 'action'),
       raw=b'{', req_headers={'Content-Type': 'application/json'}),
    _x('order-body-before-project', 'POST', '/v1/def456/segments',
       '400 Bad Request', fault(),
       err('badRequest', 400, 'Malformed request body'), raw=b'{',
       req_headers={'Content-Type': 'application/json'}),
    _x('order-project-before-schema', 'POST', '/v1/def456/segments',
       '400 Bad Request', fault(), err(
           'badRequest', 400, "Malformed request URL: URL's project_id "
           "'def456' doesn't match Context's project_id 'abc123'"),
       json={'segment': {}}),
    _x('order-project-before-404', 'GET', f'/v1/def456/segments/{ZERO}',
       '400 Bad Request', fault(), err(
           'badRequest', 400, "Malformed request URL: URL's project_id "
           "'def456' doesn't match Context's project_id 'abc123'")),
    _x('host-update-unchanged', 'PUT', H1, '200 OK', ok(),
       '{"host": ' + HOST1 + '}',
       json={'host': {'reserved': False, 'name': 'host1'}}),
    _x('notification-duplicate-of-finished', 'POST', '/v1/notifications',
       '409 Conflict', fault(), err(
           'conflictingRequest', 409, 'Notification received from host '
           'host3 of type COMPUTE_HOST is duplicate.'),
       json=notif_body(type='COMPUTE_HOST', hostname='host3', payload={
           'event': 'STOPPED', 'host_status': 'NORMAL',
           'cluster_status': 'OFFLINE'})),
    _x('notification-maintenance-process', 'POST', '/v1/notifications',
       '409 Conflict', fault(), err(
           'conflictingRequest', 409, "Notification received from host "
           "host2 of type 'PROCESS' is ignored as the host is already "
           "under maintenance."),
       json=notif_body(type='PROCESS', hostname='host2', payload=PROCESS)),
] + [
    _x(f'notification-time-{given}', 'POST', '/v1/notifications',
       '202 Accepted', ok(), PROCESS_CREATED.replace('GT', stored),
       json=notif_body(type='PROCESS', payload=PROCESS,
                       generated_time=given))
    for given, stored in [
        ('2026-11-22', '2026-11-22T00:00:00.000000'),
        ('20261122T040000Z', '2026-11-22T04:00:00.000000'),
        ('2026-11-22 05:00', '2026-11-22T05:00:00.000000'),
        ('2026-11-22T05:00:00.123456Z', '2026-11-22T05:00:00.123456'),
        ('2026-11-22T05:00:00-02:30', '2026-11-22T07:30:00.000000'),
    ]
] + [
    _x(f'notification-uuid-{given}', 'POST', '/v1/notifications',
       '202 Accepted', ok(), None,
       json=notif_body(payload={**VM_PAYLOAD, 'instance_uuid': given}))
    for given in ('96AB1C42668C4F2D8689AFA3301D4EE9',
                  '{96ab1c42-668c-4f2d-8689-afa3301d4ee9}',
                  'urn:uuid:96ab1c42-668c-4f2d-8689-afa3301d4ee9')
]

ALL = (VERSIONS + ROUTING + MICROVERSIONS + CONTENT + LISTS + SEGMENTS +
       HOSTS + NOTIFICATIONS + VMOVES + MORE)


# --- the world the table refers to -------------------------------------

GENERATED = datetime.datetime(2026, 11, 22, 1, 0, 0)


def build_world() -> dict[str, str]:
    """Two segments, three hosts, two notifications, two vm moves.

    seg2 is "in use" (host3 has an ``error`` notification); host2 is on
    maintenance. Returns the uuid of every object by name.
    """
    seg1 = db_api.failover_segment_create({
        'name': 'seg1', 'service_type': 'COMPUTE', 'enabled': True,
        'recovery_method': 'auto', 'description': None})
    seg2 = db_api.failover_segment_create({
        'name': 'seg2', 'service_type': 'COMPUTE', 'enabled': True,
        'recovery_method': 'reserved_host', 'description': 'second'})

    def host(name: str, seg: Any, **values: Any) -> Any:
        return db_api.host_create({
            'name': name, 'type': 'COMPUTE', 'control_attributes': 'SSH',
            'failover_segment_id': seg.uuid, 'reserved': False,
            'on_maintenance': False, **values})

    host1 = host('host1', seg1)
    host2 = host('host2', seg1, reserved=True, on_maintenance=True)
    host3 = host('host3', seg2)
    notif_host = db_api.notification_create({
        'type': 'COMPUTE_HOST', 'generated_time': GENERATED,
        'source_host_uuid': host3.uuid, 'status': 'new',
        'failover_segment_uuid': seg2.uuid,
        'payload': {'event': 'STOPPED', 'host_status': 'NORMAL',
                    'cluster_status': 'OFFLINE'}})
    db_api.notification_update(notif_host.notification_uuid,
                               {'status': 'finished'})
    notif_vm = db_api.notification_create({
        'type': 'VM', 'generated_time': GENERATED,
        'source_host_uuid': host3.uuid, 'status': 'error',
        'failover_segment_uuid': seg2.uuid, 'payload': VM_PAYLOAD})
    vmoves = [db_api.vmove_create({
        'notification_uuid': notif_host.notification_uuid,
        'instance_uuid': '6b2eff00-4c0c-4a8d-928e-cd0cc1717caf',
        'instance_name': name, 'source_host': 'host3', **values})
        for name, values in [
            ('vm1', {'dest_host': 'host5', 'type': 'evacuation',
                     'status': 'succeeded',
                     'start_time': GENERATED.replace(minute=1),
                     'end_time': GENERATED.replace(minute=2)}),
            ('vm2', {'type': 'evacuation', 'status': 'failed',
                     'message': 'boom'})]]
    return {'seg1': seg1.uuid, 'SEG1': seg1.uuid.upper(), 'seg2': seg2.uuid,
            'host1': host1.uuid, 'host2': host2.uuid, 'host3': host3.uuid,
            'notif_host': notif_host.notification_uuid,
            'notif_vm': notif_vm.notification_uuid,
            'vmove1': vmoves[0].uuid, 'vmove2': vmoves[1].uuid}


def fill(text: str, names: dict[str, str]) -> str:
    for name, value in names.items():
        text = text.replace(f'<{name}>', value)
    return text


def clear_world() -> None:
    """Remove every row so the next build_world() starts afresh."""
    import sqlalchemy as sa
    with db_api.get_engine().begin() as conn:
        for name in ('vmoves', 'notifications', 'hosts',
                     'failover_segments'):
            conn.execute(sa.text(f'DELETE FROM {name}'))
