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

"""Wire-conformance building blocks: normalising, headers, bodies, cases."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

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


def bad_method(method: str, action: str) -> str:
    return err('badMethod', 405, f"The request method: '{method}' with "
               f"action: '{action}' is not allowed on this resource")


def bad_format(ver: str) -> str:
    return err('badRequest', 400, f'API Version String {ver} is of invalid '
               f'format. Must be of format MajorNum.MinorNum.')


def unsupported(ver: str) -> str:
    return err('masakariFault', 406, f'Version {ver} is not supported by '
               f'the API. Minimum is 1.0 and maximum is 1.3.')


def invalid(field: str, value: str, message: str) -> str:
    return err('badRequest', 400, f'Invalid input for field/attribute '
               f'{field}. Value: {value}. {message}')


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


def ex(*args: Any, **kw: Any) -> Exchange:
    """One row of the table."""
    return Exchange(*args, **kw)
