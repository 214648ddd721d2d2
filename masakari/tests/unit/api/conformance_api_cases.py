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

"""Wire cases: URL layout, routing, microversions, content, listing."""

from __future__ import annotations

from masakari.tests.unit.api.conformance_base import (
    ABSENT, BARE_FAULT, EXTENSIONS, FAULT_406, NH, NOTE_NO_500, NOT_FOUND, NV,
    ROOT, S1, SEG1, SEG2, VERSIONS_ROOT, VERSION_V1, bad_format, bad_method,
    choices, err, ex, fault, ok, seg_body, unsupported)

# --- URL layout, versions and extensions ---------------------------------

VERSIONS = [
    ex('root', 'GET', '/', '200 OK', ROOT, VERSIONS_ROOT),
    ex('root-any-method', 'POST', '/', '200 OK', ROOT, VERSIONS_ROOT),
    ex('choices-v2', 'GET', '/v2', '300 Multiple Choices', ROOT,
       choices('/v2')),
    ex('choices-v1.0', 'GET', '/v1.0', '300 Multiple Choices', ROOT,
       choices('/v1.0')),
    ex('choices-v10', 'GET', '/v10', '300 Multiple Choices', ROOT,
       choices('/v10')),
    ex('v1', 'GET', '/v1', '200 OK', ok(), VERSION_V1),
    ex('v1-slash', 'GET', '/v1/', '200 OK', ok(), VERSION_V1),
    ex('v1-latest', 'GET', '/v1', '200 OK', ok('1.3'), VERSION_V1,
       version='latest'),
    ex('versions-v1.0', 'GET', '/v1/versions/v1.0', '200 OK', ok(),
       VERSION_V1),
    ex('versions-other', 'GET', '/v1/versions/v2', '404 Not Found',
       fault(), NOT_FOUND),
    ex('versions-index', 'GET', '/v1/versions', '405 Method Not Allowed',
       fault(), err('badMethod', 405, "The request method: 'GET' with "
                    "action: 'index' is not allowed on this resource")),
    ex('extensions', 'GET', '/v1/extensions', '200 OK', ok(),
       '{"extensions": [' + ', '.join(EXTENSIONS) + ']}'),
    ex('extension', 'GET', '/v1/extensions/os-hosts', '200 OK', ok(),
       '{"extension": ' + EXTENSIONS[2] + '}'),
    ex('extension-unknown', 'GET', '/v1/extensions/nope', '404 Not Found',
       fault(), NOT_FOUND),
    ex('healthcheck', 'GET', '/healthcheck', '200 OK',
       {'Content-Type': 'text/plain; charset=UTF-8',
        'OpenStack-API-Version': ABSENT, 'x-openstack-request-id': ABSENT},
       'OK'),
    ex('healthcheck-head', 'HEAD', '/healthcheck', '204 No Content',
       {'OpenStack-API-Version': ABSENT}, ''),
]

# --- routing: 405 for missing actions, unrouted 404 ----------------------


ROUTING = [
    ex(f'405-{method}-{path}', method, path, '405 Method Not Allowed',
       fault(), bad_method(method, action))
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
    ex(f'404-{method}-{path}', method, path, '404 Not Found', BARE_FAULT,
       NOT_FOUND if method != 'HEAD' else '', note=NOTE_NO_500)
    for method, path in [
        ('PATCH', S1), ('POST', S1), ('DELETE', '/v1/segments'),
        ('PUT', '/v1/segments'), ('HEAD', '/v1/segments'),
        ('GET', '/v1/segments/'), ('GET', '/v1/unknown'),
        ('GET', '/v1/p1/segments'), ('GET', '/v1/abc123'),
        ('HEAD', '/v1'), ('POST', '/v1'),
    ]
] + [
    ex('suffix-json', 'GET', '/v1/segments.json?sort_key=name&sort_dir=asc',
       '200 OK',
       ok(), '{"segments": [' + SEG1 + ', ' + SEG2 + ']}',
       req_headers={'Accept': 'application/vnd.openstack.masakari+json'}),
    ex('suffix-xml', 'GET', S1 + '.xml', '200 OK', ok(),
       '{"segment": ' + SEG1 + '}'),
    ex('project-prefix', 'GET', '/v1/abc123/segments/<seg1>', '200 OK',
       ok(), '{"segment": ' + SEG1 + '}'),
    ex('project-mismatch', 'GET', '/v1/def456/segments', '400 Bad Request',
       fault(), err('badRequest', 400, "Malformed request URL: URL's "
                    "project_id 'def456' doesn't match Context's "
                    "project_id 'abc123'")),
    ex('options-cors', 'OPTIONS', '/v1/segments', '200 OK',
       {'OpenStack-API-Version': ABSENT, 'x-openstack-request-id': ABSENT},
       ''),
]

# --- microversions -------------------------------------------------------


EXTENSIONS_BODY = '{"extensions": [' + ', '.join(EXTENSIONS) + ']}'

MICROVERSIONS = [
    ex(f'version-header-{header}', 'GET', '/v1/extensions', '200 OK',
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
    ex('legacy-header-ignored', 'GET', '/v1/extensions', '200 OK',
       ok('1.0'), EXTENSIONS_BODY,
       req_headers={'X-OpenStack-Masakari-API-Version': '1.2'}),
] + [
    ex(f'version-format-{ver}', 'GET', '/v1/extensions', '400 Bad Request',
       BARE_FAULT, bad_format(ver), version=ver)
    for ver in ('1.02', '01.2', '0.9', '1.2.1', '1.x', 'LATEST')
] + [
    ex(f'version-unsupported-{ver}', 'GET', '/v1/extensions',
       '406 Not Acceptable', FAULT_406, unsupported(ver), version=ver)
    for ver in ('1.4', '2.0')
] + [
    ex('version-before-405', 'GET', '/v1/segments/new',
       '406 Not Acceptable', FAULT_406, unsupported('1.4'), version='1.4'),
    ex('unrouted-before-version', 'GET', '/v1/unknown', '404 Not Found',
       BARE_FAULT, NOT_FOUND, version='1.4', note=NOTE_NO_500),
    ex('version-before-content-type', 'POST', '/v1/segments',
       '400 Bad Request', BARE_FAULT, bad_format('1.02'), raw=b'{}',
       version='1.02', req_headers={'Content-Type': 'text/xml'}),
]

# --- content types and bodies --------------------------------------------

CONTENT = [
    ex('accept-vendor', 'GET', S1, '200 OK',
       ok(ctype='application/vnd.openstack.masakari+json'),
       '{"segment": ' + SEG1 + '}',
       req_headers={'Accept': 'application/vnd.openstack.masakari+json'}),
    ex('accept-html', 'GET', S1, '200 OK', ok(), '{"segment": ' + SEG1 + '}',
       req_headers={'Accept': 'text/html'}),
    ex('accept-any', 'GET', S1, '200 OK', ok(), '{"segment": ' + SEG1 + '}',
       req_headers={'Accept': '*/*'}),
    ex('accept-q-values', 'GET', S1, '200 OK',
       ok(ctype='application/vnd.openstack.masakari+json'),
       '{"segment": ' + SEG1 + '}', req_headers={
           'Accept': 'application/json;q=0.1, '
                     'application/vnd.openstack.masakari+json'}),
    ex('fault-ignores-accept', 'GET', '/v1/segments/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, 'No failover segment with id abc.'),
       req_headers={'Accept': 'application/vnd.openstack.masakari+json'}),
    ex('content-type-vendor', 'PUT', S1, '200 OK', ok(),
       '{"segment": ' + SEG1 + '}', raw=b'{"segment": {"name": "seg1"}}',
       req_headers={'Content-Type': 'application/vnd.openstack.masakari+json'}),
    ex('content-type-charset', 'PUT', S1, '200 OK', ok(),
       '{"segment": ' + SEG1 + '}', raw=b'{"segment": {"name": "seg1"}}',
       req_headers={'Content-Type': 'application/json; charset=UTF-8'}),
    ex('content-type-xml', 'POST', '/v1/segments', '415 Unsupported Media '
       'Type', fault(), err('badMediaType', 415, 'Unsupported Content-Type'),
       raw=b'{}', req_headers={'Content-Type': 'text/xml'}),
    ex('content-type-before-405', 'GET', '/v1/segments/new',
       '415 Unsupported Media Type', fault(),
       err('badMediaType', 415, 'Unsupported Content-Type'),
       req_headers={'Content-Type': 'text/xml'}),
    ex('content-type-plain-parsed', 'POST', '/v1/segments',
       '400 Bad Request', fault(),
       err('badRequest', 400, "[1, 2] is not of type 'object'"),
       raw=b'[1, 2]', req_headers={'Content-Type': 'text/plain'}),
    ex('empty-body', 'POST', '/v1/segments', '400 Bad Request', fault(),
       err('badRequest', 400, "None is not of type 'object'"), raw=b'',
       req_headers={'Content-Type': 'application/json'}),
    ex('null-body', 'PUT', S1, '400 Bad Request', fault(),
       err('badRequest', 400, "None is not of type 'object'"), raw=b'null',
       req_headers={'Content-Type': 'application/json'}),
    ex('malformed-body', 'POST', '/v1/segments', '400 Bad Request', fault(),
       err('badRequest', 400, 'Malformed request body'), raw=b'{"segment"',
       req_headers={'Content-Type': 'application/json'}),
    ex('invalid-utf8-body', 'POST', '/v1/segments', '400 Bad Request',
       fault(), err('badRequest', 400, 'Malformed request body'),
       raw=b'{"a": "\xff"}',
       req_headers={'Content-Type': 'application/json'}),
    ex('body-too-large', 'POST', '/v1/segments', '413 Request Entity Too '
       'Large', BARE_FAULT, err('overLimit', 413, 'Request is too large.'),
       raw=b'{"a": "' + b'x' * 114688 + b'"}',
       req_headers={'Content-Type': 'application/json'}, note=NOTE_NO_500),
    ex('non-ascii-escaped', 'POST', '/v1/segments', '201 Created', ok(),
       '{"segment": {"id": <id>, "uuid": "<uuid>", "name": "s\\u00e9g", '
       '"service_type": "COMPUTE", "enabled": true, "description": '
       '"d\\u00e9 \\u65e5", "recovery_method": "auto", "created_at": '
       '"<ts>", "updated_at": null, "deleted_at": null, "deleted": false}}',
       json=seg_body(name='s\u00e9g', description='d\u00e9 \u65e5')),
]

# --- list parameters ------------------------------------------------------

LISTS = [
    ex('limit-0', 'GET', '/v1/segments?limit=0', '200 OK', ok(),
       '{"segments": []}'),
    ex('limit-last-wins', 'GET',
       '/v1/segments?limit=3&limit=1&sort_key=name&sort_dir=asc',
       '200 OK', ok(), '{"segments": [' + SEG1 + ']}'),
    ex('default-order', 'GET', '/v1/segments?sort_key=id', '200 OK', ok(),
       '{"segments": [' + SEG2 + ', ' + SEG1 + ']}'),
    ex('sort-asc-stripped', 'GET', '/v1/segments?sort_key=%20name%20'
       '&sort_dir=%20asc', '200 OK', ok(),
       '{"segments": [' + SEG1 + ', ' + SEG2 + ']}'),
    ex('filters', 'GET', '/v1/segments?recovery_method=reserved_host'
       '&service_type=COMPUTE&name=ignored', '200 OK', ok(),
       '{"segments": [' + SEG2 + ']}'),
] + [
    ex(f'list-param-{query}', 'GET', f'/v1/segments?{query}',
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
