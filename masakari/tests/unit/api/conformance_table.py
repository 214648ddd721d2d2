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

The building blocks are in conformance_base.py, the cases by area in
conformance_{api,resource,notification}_cases.py; this module joins them
into ``ALL`` and builds the world they refer to.
"""

from __future__ import annotations

import datetime
from typing import Any

from masakari.tests.unit.api.conformance_api_cases import (CONTENT, LISTS,
                                                           MICROVERSIONS,
                                                           ROUTING, VERSIONS)
from masakari.tests.unit.api.conformance_base import VM_PAYLOAD
from masakari.tests.unit.api.conformance_notification_cases import (
    MORE, NOTIFICATIONS, VMOVES)
from masakari.tests.unit.api.conformance_resource_cases import HOSTS, SEGMENTS

ALL = (VERSIONS + ROUTING + MICROVERSIONS + CONTENT + LISTS + SEGMENTS +
       HOSTS + NOTIFICATIONS + VMOVES + MORE)


# --- the world the table refers to -------------------------------------

GENERATED = datetime.datetime(2026, 11, 22, 1, 0, 0)


def build_world(db: Any) -> dict[str, str]:
    """Two segments, three hosts, two notifications, two vm moves.

    seg2 is "in use" (host3 has an ``error`` notification); host2 is on
    maintenance. Returns the uuid of every object by name.
    """
    seg1 = db.failover_segment_create({
        'name': 'seg1', 'service_type': 'COMPUTE', 'enabled': True,
        'recovery_method': 'auto', 'description': None})
    seg2 = db.failover_segment_create({
        'name': 'seg2', 'service_type': 'COMPUTE', 'enabled': True,
        'recovery_method': 'reserved_host', 'description': 'second'})

    def host(name: str, seg: Any, **values: Any) -> Any:
        return db.host_create({
            'name': name, 'type': 'COMPUTE', 'control_attributes': 'SSH',
            'failover_segment_id': seg.uuid, 'reserved': False,
            'on_maintenance': False, **values})

    host1 = host('host1', seg1)
    host2 = host('host2', seg1, reserved=True, on_maintenance=True)
    host3 = host('host3', seg2)
    notif_host = db.notification_create({
        'type': 'COMPUTE_HOST', 'generated_time': GENERATED,
        'source_host_uuid': host3.uuid, 'status': 'new',
        'failover_segment_uuid': seg2.uuid,
        'payload': {'event': 'STOPPED', 'host_status': 'NORMAL',
                    'cluster_status': 'OFFLINE'}})
    db.notification_update(notif_host.notification_uuid,
                           {'status': 'finished'})
    notif_vm = db.notification_create({
        'type': 'VM', 'generated_time': GENERATED,
        'source_host_uuid': host3.uuid, 'status': 'error',
        'failover_segment_uuid': seg2.uuid, 'payload': VM_PAYLOAD})
    vmoves = [db.vmove_create({
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


def clear_world(db: Any) -> None:
    """Remove every row so the next build_world() starts afresh."""
    import sqlalchemy as sa
    with db.get_engine().begin() as conn:
        for name in ('vmoves', 'notifications', 'hosts',
                     'failover_segments'):
            conn.execute(sa.text(f'DELETE FROM {name}'))
