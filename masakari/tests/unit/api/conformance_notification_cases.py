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

"""Wire cases for notifications, vmoves and cross-resource rules."""

from __future__ import annotations

from masakari.tests.unit.api.conformance_base import (
    BARE_FAULT, FAULT_406, H1, HOST1, NH, NOTE_NO_500, NOTIF_HOST, NOT_FOUND,
    NV, PRINTABLE_NAME, S1, SEG1, VMOVE1, VMOVE2, VM_PAYLOAD, VM_PAYLOAD_JSON,
    ZERO, bad_format, bad_method, err, ex, fault, host_body, invalid,
    notif_body, ok, seg_body, unsupported)

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
    ex('notification-create', 'POST', '/v1/notifications', '202 Accepted',
       ok(), NOTIF_CREATED, json=notif_body()),
    ex('notification-create-tz', 'POST', '/v1/notifications',
       '202 Accepted', ok(), NOTIF_CREATED,
       json=notif_body(generated_time='2026-11-22T10:00:00+09:00')),
    ex('notification-duplicate', 'POST', '/v1/notifications',
       '409 Conflict', fault(), err(
           'conflictingRequest', 409, 'Notification received from host '
           'host1 of type VM is duplicate.'), json=notif_body(),
       setup=(('POST', '/v1/notifications', notif_body()),)),
    ex('notification-older-duplicate', 'POST', '/v1/notifications',
       '409 Conflict', fault(), err(
           'conflictingRequest', 409, 'Notification received from host '
           'host1 of type VM is duplicate.'),
       json=notif_body(generated_time='2026-11-20T01:00:00'),
       setup=(('POST', '/v1/notifications', notif_body()),)),
    ex('notification-maintenance', 'POST', '/v1/notifications',
       '409 Conflict', fault(), err(
           'conflictingRequest', 409, "Notification received from host "
           "host2 of type 'VM' is ignored as the host is already under "
           "maintenance."), json=notif_body(hostname='host2')),
    ex('notification-unknown-host', 'POST', '/v1/notifications',
       '400 Bad Request', fault(), err('badRequest', 400, 'Host with name '
                                       'host7 could not be found.'),
       json=notif_body(hostname='host7')),
    ex('notification-bad-hostname', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       invalid('hostname', 'a b', "'a b' does not match "
               "'^[a-zA-Z0-9-._]*$'"), json=notif_body(hostname='a b')),
    ex('notification-bad-time', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       invalid('generated_time', 'yesterday',
               "'yesterday' is not a 'date-time'"),
       json=notif_body(generated_time='yesterday')),
    ex('notification-bad-type', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       invalid('type', 'X', "'X' is not one of ('COMPUTE_HOST', 'VM', "
               "'PROCESS')"), json=notif_body(type='X')),
    ex('notification-payload-root', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       err('badRequest', 400, "'vir_domain_event' is a required property"),
       json=notif_body(payload={'event': 'LIFECYCLE',
                                'instance_uuid': VM_PAYLOAD[
                                    'instance_uuid']})),
    ex('notification-payload-extra', 'POST', '/v1/notifications',
       '400 Bad Request', fault(), err(
           'badRequest', 400, "Additional properties are not allowed "
           "('extra' was unexpected)"),
       json=notif_body(type='COMPUTE_HOST',
                       payload={'event': 'STOPPED', 'extra': 'x'})),
    ex('notification-process-lower-case', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       invalid('event', 'stopped', "'stopped' is not one of ['STARTED', "
               "'STOPPED']"),
       json=notif_body(type='PROCESS', payload={
           'process_name': 'nova-compute', 'event': 'stopped'})),
    ex('notification-vm-bad-uuid', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       invalid('instance_uuid', 'abc', "'abc' is not a 'uuid'"),
       json=notif_body(payload={**VM_PAYLOAD, 'instance_uuid': 'abc'})),
    ex('notification-payload-not-string', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       invalid('event', '1', "1 is not of type 'string'"),
       json=notif_body(payload={**VM_PAYLOAD, 'event': 1})),
    ex('notification-show', 'GET', NH, '200 OK', ok(),
       '{"notification": ' + NOTIF_HOST + '}'),
    ex('notification-show-not-uuid', 'GET', '/v1/notifications/abc',
       '404 Not Found', fault(),
       err('itemNotFound', 404, 'No notification with id abc.')),
    ex('notification-show-unknown-1.1', 'GET', f'/v1/notifications/{ZERO}',
       '404 Not Found', fault('1.1'),
       err('itemNotFound', 404, f'No notification with id {ZERO}.'),
       version='1.1'),
    ex('notification-list-filters', 'GET', '/v1/notifications?status='
       'finished&type=COMPUTE_HOST&source_host_uuid=<host3>'
       '&generated-since=2026-11-22T09:59:00%2B09:00', '200 OK', ok(),
       '{"notifications": [' + NOTIF_HOST + ']}'),
    ex('notification-list-since-later', 'GET', '/v1/notifications?'
       'generated-since=2026-11-22T01:00:01Z&generated_since=ignored',
       '200 OK', ok(), '{"notifications": []}'),
    ex('notification-list-bad-since', 'GET',
       '/v1/notifications?generated-since=junk', '400 Bad Request', fault(),
       err('badRequest', 400, 'Invalid generated-since value')),
]

# --- vmoves ---------------------------------------------------------------

VMOVES = [
    # Appendix A, fifth exchange.
    ex('vmove-list', 'GET', NH + '/vmoves?sort_key=instance_name'
       '&sort_dir=asc', '200 OK', ok(),
       '{"vmoves": [' + VMOVE1 + ', ' + VMOVE2 + ']}'),
    ex('vmove-list-filters', 'GET', NH + '/vmoves?status=failed'
       '&type=evacuation', '200 OK', ok(), '{"vmoves": [' + VMOVE2 + ']}'),
    ex('vmove-list-1.3', 'GET', NH + '/vmoves?status=succeeded', '200 OK',
       ok('1.3'), '{"vmoves": [' + VMOVE1 + ']}', version='1.3'),
    ex('vmove-show', 'GET', NH + '/vmoves/<vmove2>', '200 OK', ok(),
       '{"vmove": ' + VMOVE2 + '}'),
    ex('vmove-list-not-host-type', 'GET', NV + '/vmoves',
       '400 Bad Request', fault(), err(
           'badRequest', 400, 'This notification <notif_vm> without vm '
           'moves.')),
    ex('vmove-show-not-host-type', 'GET', NV + '/vmoves/<vmove1>',
       '400 Bad Request', fault(), err(
           'badRequest', 400, 'This notification <notif_vm> without vm '
           'moves.')),
    ex('vmove-list-unknown-notification', 'GET',
       f'/v1/notifications/{ZERO}/vmoves', '404 Not Found', fault(),
       err('itemNotFound', 404, f'No notification with id {ZERO}.')),
    ex('vmove-show-unknown-notification', 'GET',
       f'/v1/notifications/{ZERO}/vmoves/<vmove1>', '404 Not Found',
       fault(), err('itemNotFound', 404, f'No notification with id {ZERO}.'),
       note=NOTE_NO_500),
    ex('vmove-show-unknown', 'GET', NH + f'/vmoves/{ZERO}', '404 Not Found',
       fault(), err('itemNotFound', 404, f'No vm move with id {ZERO}.')),
    ex('vmove-show-not-uuid', 'GET', NH + '/vmoves/abc', '404 Not Found',
       fault(), err('itemNotFound', 404, 'No vm move with id abc.')),
    ex('vmove-list-bad-marker', 'GET', NH + '/vmoves?marker=x',
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
    ex('v1-unsupported-version', 'GET', '/v1', '406 Not Acceptable',
       FAULT_406, unsupported('1.4'), version='1.4'),
    ex('v1-bad-version', 'GET', '/v1', '400 Bad Request', BARE_FAULT,
       bad_format('1.02'), version='1.02'),
    ex('get-body-ignored', 'GET', S1, '200 OK', ok(),
       '{"segment": ' + SEG1 + '}', raw=b'{',
       req_headers={'Content-Type': 'application/json'}),
    ex('delete-body-ignored', 'DELETE', H1, '204 No Content', ok(), '',
       raw=b'{', req_headers={'Content-Type': 'application/json'}),
    ex('project-prefix-slash', 'GET', '/v1/abc123/', '404 Not Found',
       BARE_FAULT, NOT_FOUND, note=NOTE_NO_500),
    ex('project-prefix-upper-case', 'GET', '/v1/ABC123/segments',
       '404 Not Found', BARE_FAULT, NOT_FOUND,
       req_headers={'X-Project-Id': 'ABC123'}, note=NOTE_NO_500),
    ex('host-marker-unscoped', 'GET', S1 + '/hosts?marker=999999',
       '400 Bad Request', fault(),
       err('badRequest', 400, 'Marker 999999 could not be found.')),
    ex('notification-sort-any-column', 'GET', '/v1/notifications?'
       'sort_key=payload&sort_key=status&sort_dir=asc&type=COMPUTE_HOST',
       '200 OK', ok(), '{"notifications": [' + NOTIF_HOST + ']}'),
    ex('notification-sort-not-column', 'GET',
       '/v1/notifications?sort_key=hostname', '400 Bad Request', fault(),
       err('badRequest', 400, 'Sort key supplied is invalid: hostname')),
    ex('notification-status-last-wins', 'GET', '/v1/notifications?'
       'status=bogus&status=finished', '200 OK', ok(),
       '{"notifications": [' + NOTIF_HOST + ']}'),
    ex('vmove-page-size', 'GET', NH + '/vmoves?page_size=x',
       '400 Bad Request', fault(), err(
           'badRequest', 400,
           'Invalid input received: page_size must be an integer')),
    ex('segment-update-enabled-yes', 'PUT', S1, '200 OK', ok('1.2'),
       '{"segment": ' + SEG1 + '}', version='1.2',
       json={'segment': {'enabled': 'yes', 'description': None}}),
    ex('segment-update-enabled-1.0', 'PUT', S1, '400 Bad Request', fault(),
       invalid('segment', "{'enabled': False}", "Additional properties "
               "are not allowed ('enabled' was unexpected)"),
       json={'segment': {'enabled': False}}),
    ex('segment-update-enabled-junk', 'PUT', S1, '400 Bad Request',
       fault('1.2'), invalid('enabled', 'maybe', f"'maybe' is not one of "
                             f"{BOOL_ENUM}"), version='1.2',
       json={'segment': {'enabled': 'maybe'}}),
    ex('host-create-reserved-junk', 'POST', S1 + '/hosts',
       '400 Bad Request', fault(),
       invalid('reserved', 'tRuE', f"'tRuE' is not one of {BOOL_ENUM}"),
       json=host_body(reserved='tRuE')),
    ex('segment-description-controls', 'POST', '/v1/segments',
       '201 Created', ok(),
       '{"segment": {"id": <id>, "uuid": "<uuid>", "name": "a b", '
       '"service_type": "COMPUTE", "enabled": true, "description": '
       '" x\\ny ", "recovery_method": "auto", "created_at": "<ts>", '
       '"updated_at": null, "deleted_at": null, "deleted": false}}',
       json=seg_body(name='a b', description=' x\ny ')),
    ex('segment-name-line-separator', 'POST', '/v1/segments',
       '400 Bad Request', fault(), err('badRequest', 400, PRINTABLE_NAME),
       json=seg_body(name='a\u2028b')),
    ex('notification-payload-key', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       invalid('payload', "{'a/b': 'x'}", "'a/b' does not match any of "
               "the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"),
       json=notif_body(payload={'a/b': 'x'})),
    ex('notification-payload-nested', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       invalid('event', "{'a': 'b'}", "{'a': 'b'} is not of type "
               "'string'"), json=notif_body(payload={'event': {'a': 'b'}})),
    ex('notification-payload-list', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       invalid('payload', '[]', "[] is not of type 'object'"),
       json=notif_body(payload=[])),
    ex('notification-host-status', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       invalid('host_status', 'bad', "'bad' is not one of ['NORMAL', "
               "'UNKNOWN']"),
       json=notif_body(type='COMPUTE_HOST', payload={
           'event': 'STOPPED', 'host_status': 'bad'})),
    ex('notification-host-empty-payload', 'POST', '/v1/notifications',
       '400 Bad Request', fault(),
       err('badRequest', 400, "'event' is a required property"),
       json=notif_body(type='COMPUTE_HOST', payload={})),
    # The order of the checks decides which error wins.
    ex('order-405-before-body', 'POST', S1 + '/action',
       '405 Method Not Allowed', fault(), bad_method('POST', 'action'),
       raw=b'{', req_headers={'Content-Type': 'application/json'}),
    ex('order-body-before-project', 'POST', '/v1/def456/segments',
       '400 Bad Request', fault(),
       err('badRequest', 400, 'Malformed request body'), raw=b'{',
       req_headers={'Content-Type': 'application/json'}),
    ex('order-project-before-schema', 'POST', '/v1/def456/segments',
       '400 Bad Request', fault(), err(
           'badRequest', 400, "Malformed request URL: URL's project_id "
           "'def456' doesn't match Context's project_id 'abc123'"),
       json={'segment': {}}),
    ex('order-project-before-404', 'GET', f'/v1/def456/segments/{ZERO}',
       '400 Bad Request', fault(), err(
           'badRequest', 400, "Malformed request URL: URL's project_id "
           "'def456' doesn't match Context's project_id 'abc123'")),
    ex('host-update-unchanged', 'PUT', H1, '200 OK', ok(),
       '{"host": ' + HOST1 + '}',
       json={'host': {'reserved': False, 'name': 'host1'}}),
    ex('notification-duplicate-of-finished', 'POST', '/v1/notifications',
       '409 Conflict', fault(), err(
           'conflictingRequest', 409, 'Notification received from host '
           'host3 of type COMPUTE_HOST is duplicate.'),
       json=notif_body(type='COMPUTE_HOST', hostname='host3', payload={
           'event': 'STOPPED', 'host_status': 'NORMAL',
           'cluster_status': 'OFFLINE'})),
    ex('notification-maintenance-process', 'POST', '/v1/notifications',
       '409 Conflict', fault(), err(
           'conflictingRequest', 409, "Notification received from host "
           "host2 of type 'PROCESS' is ignored as the host is already "
           "under maintenance."),
       json=notif_body(type='PROCESS', hostname='host2', payload=PROCESS)),
] + [
    ex(f'notification-time-{given}', 'POST', '/v1/notifications',
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
    ex(f'notification-uuid-{given}', 'POST', '/v1/notifications',
       '202 Accepted', ok(), None,
       json=notif_body(payload={**VM_PAYLOAD, 'instance_uuid': given}))
    for given in ('96AB1C42668C4F2D8689AFA3301D4EE9',
                  '{96ab1c42-668c-4f2d-8689-afa3301d4ee9}',
                  'urn:uuid:96ab1c42-668c-4f2d-8689-afa3301d4ee9')
]
