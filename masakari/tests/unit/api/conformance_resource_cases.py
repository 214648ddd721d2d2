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

"""Wire cases for the segments and hosts resources."""

from __future__ import annotations

from masakari.tests.unit.api.conformance_base import (
    BOOL_VALUES, H1, HOST1, HOST2, NOTE_BOOLEANS, NOTE_NO_500, PRINTABLE_NAME,
    S1, S2, SEG1, ZERO, err, ex, fault, host_body, invalid, ok, seg_body)

# --- segments -------------------------------------------------------------

SEG_CREATED = ('{"segment": {"id": <id>, "uuid": "<uuid>", "name": "seg9", '
               '"service_type": "COMPUTE", "enabled": false, "description": '
               'null, "recovery_method": "auto", "created_at": "<ts>", '
               '"updated_at": null, "deleted_at": null, "deleted": false}}')


SEGMENTS = [
    # Appendix A, first exchange.
    ex('segment-create-1.2', 'POST', '/v1/segments', '201 Created',
       ok('1.2'), SEG_CREATED, version='1.2',
       json={'segment': {'name': 'seg9', 'service_type': 'COMPUTE',
                         'recovery_method': 'auto', 'enabled': False}}),
    ex('segment-create-enabled-string', 'POST', '/v1/segments',
       '201 Created', ok('1.3'), SEG_CREATED, version='1.3',
       json=seg_body(name='seg9', enabled='off')),
    ex('segment-create-enabled-1.1', 'POST', '/v1/segments',
       '400 Bad Request', fault('1.1'),
       invalid('segment', "{'name': 'new', 'service_type': 'COMPUTE', "
               "'recovery_method': 'auto', 'enabled': True}",
               "Additional properties are not allowed ('enabled' was "
               "unexpected)"),
       version='1.1', json=seg_body(enabled=True)),
    ex('segment-create-enabled-number', 'POST', '/v1/segments',
       '400 Bad Request', fault('1.2'),
       invalid('enabled', '1', "1 is not of type 'boolean', 'string'"),
       version='1.2', json=seg_body(enabled=1)),
    ex('segment-create-duplicate', 'POST', '/v1/segments', '409 Conflict',
       fault(), err('conflictingRequest', 409,
                    'Failover segment with name seg1 already exists.'),
       json=seg_body(name='seg1')),
    ex('segment-create-name-space', 'POST', '/v1/segments',
       '400 Bad Request', fault(), err('badRequest', 400, PRINTABLE_NAME),
       json=seg_body(name=' lead')),
    ex('segment-create-service-type-space', 'POST', '/v1/segments',
       '400 Bad Request', fault(), err('badRequest', 400, PRINTABLE_NAME),
       json=seg_body(service_type='trail ')),
    ex('segment-create-name-astral', 'POST', '/v1/segments',
       '400 Bad Request', fault(), err('badRequest', 400, PRINTABLE_NAME),
       json=seg_body(name='a\U0001F600')),
    ex('segment-create-name-empty', 'POST', '/v1/segments',
       '400 Bad Request', fault(),
       invalid('name', '', "'' should be non-empty"),
       json=seg_body(name='')),
    ex('segment-create-name-number', 'POST', '/v1/segments',
       '400 Bad Request', fault(),
       invalid('name', '5', "5 is not of type 'string'"),
       json=seg_body(name=5)),
    ex('segment-create-recovery-method', 'POST', '/v1/segments',
       '400 Bad Request', fault(),
       invalid('recovery_method', 'bogus', "'bogus' is not one of "
               "('auto', 'reserved_host', 'auto_priority', "
               "'rh_priority')"),
       json=seg_body(recovery_method='bogus')),
    ex('segment-create-missing', 'POST', '/v1/segments', '400 Bad Request',
       fault(), invalid('segment', "{'name': 'a', 'recovery_method': "
                        "'auto'}",
                        "'service_type' is a required property"),
       json={'segment': {'name': 'a', 'recovery_method': 'auto'}}),
    ex('segment-create-extra', 'POST', '/v1/segments', '400 Bad Request',
       fault(), err('badRequest', 400, "Additional properties are not "
                    "allowed ('x' was unexpected)"),
       json={**seg_body(), 'x': 1}),
    ex('segment-create-no-envelope', 'POST', '/v1/segments',
       '400 Bad Request', fault(),
       err('badRequest', 400, "'segment' is a required property"),
       json={'name': 'x'}),
    ex('segment-show-unknown', 'GET', '/v1/segments/' + ZERO,
       '404 Not Found', fault(), err('itemNotFound', 404,
                                     f'No failover segment with id {ZERO}.')),
    ex('segment-show-not-uuid', 'GET', '/v1/segments/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, 'No failover segment with id abc.')),
    ex('segment-show', 'GET', S1, '200 OK', ok(), '{"segment": ' + SEG1 +
       '}'),
    ex('segment-update-empty', 'PUT', S1, '400 Bad Request', fault(),
       invalid('segment', '{}', '{} is not valid under any of the given '
               'schemas'), json={'segment': {}}),
    ex('segment-update', 'PUT', S1, '200 OK', ok('1.2'),
       '{"segment": ' + SEG1.replace('"seg1"', '"seg1b"').replace(
           '"enabled": true', '"enabled": false').replace(
           '"updated_at": null', '"updated_at": "<ts>"') + '}',
       version='1.2', json={'segment': {'name': 'seg1b',
                                        'enabled': 'false'}},
       note=NOTE_BOOLEANS),
    ex('segment-update-same-name', 'PUT', S1, '200 OK', ok(),
       '{"segment": ' + SEG1 + '}', json={'segment': {'name': 'seg1'}}),
    ex('segment-update-duplicate', 'PUT', S1, '409 Conflict', fault(),
       err('conflictingRequest', 409,
           'Failover segment with name seg2 already exists.'),
       json={'segment': {'name': 'seg2'}}),
    ex('segment-update-in-use', 'PUT', S2, '409 Conflict', fault(),
       err('conflictingRequest', 409, "Failover segment <seg2> can't be "
           "updated as it is in-use to process notifications."),
       json={'segment': {'description': 'x'}}),
    ex('segment-update-upper-uuid', 'PUT', '/v1/segments/<SEG1>',
       '404 Not Found', fault(),
       err('itemNotFound', 404, 'No failover segment with id <SEG1>.'),
       json={'segment': {'description': 'x'}}),
    ex('segment-delete-in-use', 'DELETE', S2, '409 Conflict', fault(),
       err('conflictingRequest', 409, "Failover segment (<seg2>) can't be "
           "deleted as it is in-use to process notifications.")),
    ex('segment-delete', 'DELETE', S1, '204 No Content', ok(), ''),
    ex('segment-delete-twice', 'DELETE', S1, '404 Not Found', fault(),
       err('itemNotFound', 404, 'No failover segment with id <seg1>.'),
       setup=(('DELETE', S1, None),)),
    ex('segment-delete-cascades', 'GET', H1, '404 Not Found', fault(),
       err('itemNotFound', 404, "Host '<host1>' under failover_segment "
           "'<seg1>' could not be found."),
       setup=(('DELETE', S1, None),)),
    ex('segment-list-enabled-filter', 'GET', '/v1/segments?enabled=0',
       '200 OK', ok(), '{"segments": []}', note=NOTE_BOOLEANS),
    ex('segment-list-enabled-junk', 'GET', '/v1/segments?enabled=junk',
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
    ex('host-create', 'POST', S1 + '/hosts', '201 Created', ok(),
       HOST_CREATED, json=host_body(reserved='True',
                                    on_maintenance='False')),
    ex('host-list', 'GET', S1 + '/hosts?sort_key=name&sort_dir=asc',
       '200 OK', ok(), '{"hosts": [' + HOST1 + ', ' + HOST2 + ']}'),
    ex('host-list-filters', 'GET', S1 + '/hosts?on_maintenance=True'
       '&reserved=yes&type=COMPUTE&failover_segment_id=ignored', '200 OK',
       ok(), '{"hosts": [' + HOST2 + ']}'),
    ex('host-list-name-filter', 'GET', S1 + '/hosts?name=host1', '200 OK',
       ok(), '{"hosts": [' + HOST1 + ']}', note=NOTE_BOOLEANS),
    ex('host-list-bad-bool', 'GET', S1 + '/hosts?on_maintenance=junk',
       '400 Bad Request', fault(), err(
           'badRequest', 400, "Invalid value for on_maintenance: "
           f"Unrecognized value 'junk', {BOOL_VALUES}")),
    ex('host-list-bad-reserved', 'GET', S1 + '/hosts?reserved=2',
       '400 Bad Request', fault(), err(
           'badRequest', 400, "Invalid value for reserved: "
           f"Unrecognized value '2', {BOOL_VALUES}")),
    ex('host-list-unknown-segment', 'GET', f'/v1/segments/{ZERO}/hosts',
       '404 Not Found', fault(),
       err('itemNotFound', 404, f'No failover segment with id {ZERO}.')),
    ex('host-list-sort-relationship', 'GET',
       S1 + '/hosts?sort_key=failover_segment', '400 Bad Request', fault(),
       err('badRequest', 400, 'Sort key supplied is invalid: '
           'failover_segment'), note=NOTE_NO_500),
    ex('host-create-unknown-segment', 'POST', f'/v1/segments/{ZERO}/hosts',
       '404 Not Found', fault(),
       err('itemNotFound', 404, f'No failover segment with id {ZERO}.'),
       json=host_body()),
    ex('host-create-not-compute', 'POST', S1 + '/hosts', '400 Bad Request',
       fault(), err('badRequest', 400, 'Compute service with name nohost '
                    'could not be found.'), json=host_body(name='nohost')),
    ex('host-create-duplicate', 'POST', S2 + '/hosts', '409 Conflict',
       fault(), err('conflictingRequest', 409,
                    'Host with name host1 already exists.'),
       json=host_body(name='host1')),
    ex('host-create-type-underscore', 'POST', S1 + '/hosts',
       '400 Bad Request', fault(),
       invalid('type', 'COMPUTE_HOST', "'COMPUTE_HOST' does not match "
               "'^[a-zA-Z0-9]*$'"), json=host_body(type='COMPUTE_HOST')),
    ex('host-create-type-null', 'POST', S1 + '/hosts', '400 Bad Request',
       fault(), invalid('type', 'None', "None is not of type 'string'"),
       json=host_body(type=None), note=NOTE_NO_500),
    ex('host-create-control-null', 'POST', S1 + '/hosts',
       '400 Bad Request', fault(),
       invalid('control_attributes', 'None',
               "None is not of type 'string'"),
       json=host_body(control_attributes=None), note=NOTE_NO_500),
    ex('host-create-reserved-number', 'POST', S1 + '/hosts',
       '400 Bad Request', fault(),
       invalid('reserved', '1', "1 is not of type 'boolean', 'string'"),
       json=host_body(reserved=1)),
    ex('host-show', 'GET', H1, '200 OK', ok(), '{"host": ' + HOST1 + '}'),
    ex('host-show-not-uuid', 'GET', S1 + '/hosts/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, 'No host with id abc.')),
    ex('host-show-unknown', 'GET', S1 + f'/hosts/{ZERO}', '404 Not Found',
       fault(), err('itemNotFound', 404, f"Host '{ZERO}' under "
                    "failover_segment '<seg1>' could not be found.")),
    ex('host-show-other-segment', 'GET', S2 + '/hosts/<host1>',
       '404 Not Found', fault(), err('itemNotFound', 404, "Host '<host1>' "
                                     "under failover_segment '<seg2>' "
                                     "could not be found.")),
    ex('host-update-not-uuid', 'PUT', S1 + '/hosts/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, "Host 'abc' under "
                    "failover_segment '<seg1>' could not be found."),
       json={'host': {'reserved': True}}),
    ex('host-update-empty', 'PUT', H1, '400 Bad Request', fault(),
       invalid('host', '{}', '{} is not valid under any of the given '
               'schemas'), json={'host': {}}),
    ex('host-update-segment-id', 'PUT', H1, '400 Bad Request', fault(),
       invalid('host', "{'failover_segment_id': '<seg2>'}",
               "Additional properties are not allowed "
               "('failover_segment_id' was unexpected)"),
       json={'host': {'failover_segment_id': '<seg2>'}}),
    ex('host-update', 'PUT', H1, '200 OK', ok(), '{"host": ' +
       HOST1.replace('"on_maintenance": false, "created_at": "<ts>", '
                     '"updated_at": null',
                     '"on_maintenance": true, "created_at": "<ts>", '
                     '"updated_at": "<ts>"') + '}',
       json={'host': {'on_maintenance': 'True'}}),
    ex('host-update-not-compute', 'PUT', H1, '400 Bad Request', fault(),
       err('badRequest', 400, 'Compute service with name nohost could not '
           'be found.'), json={'host': {'name': 'nohost'}}),
    ex('host-update-duplicate', 'PUT', H1, '409 Conflict', fault(),
       err('conflictingRequest', 409, 'Host with name host2 already '
           'exists.'), json={'host': {'name': 'host2'}}),
    ex('host-update-in-use', 'PUT', S2 + '/hosts/<host3>', '409 Conflict',
       fault(), err('conflictingRequest', 409, "Host <host3> can't be "
                    "updated as it is in-use to process notifications."),
       json={'host': {'reserved': False}}),
    ex('host-delete-in-use', 'DELETE', S2 + '/hosts/<host3>',
       '409 Conflict', fault(), err('conflictingRequest', 409,
                                    "Host <host3> can't be deleted as it "
                                    "is in-use to process notifications.")),
    ex('host-delete', 'DELETE', H1, '204 No Content', ok(), ''),
    ex('host-delete-unknown', 'DELETE', S1 + '/hosts/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, "Host 'abc' under "
                    "failover_segment '<seg1>' could not be found.")),
]
