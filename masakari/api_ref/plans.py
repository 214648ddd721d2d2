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

"""Response schemas of the recovery plan calls (microversion 1.4).

Inferred from a plan the engine's own code renders, so the document
follows the answer's shape; the fields that may be null are marked.
"""

from __future__ import annotations

from masakari.api_ref import facts
from masakari.engine.policy import plan as plan_mod
from masakari.engine.policy import selection

CONTROLLER = 'recovery_plans'
MIN_VERSION = '1.4'
NULLABLE = ('target_host', 'reason', 'message')


def _host_sample() -> dict:
    entry = selection.Entry('uuid', 'name', 500, True, {}, target='host')
    entry.reason_kind, entry.reason = 'kind', 'why'
    plan = plan_mod.Plan('host', [entry], {'other': 'why'}, True)
    return dict(plan.to_dict(), recovery_method='auto',
                reserved_hosts=['host'])


def host_plan_schema() -> dict:
    schema = facts.infer_schema(_host_sample())
    item = schema['properties']['instances']['items']
    for name in NULLABLE:
        item['properties'][name] = {'type': 'string', 'nullable': True}
    return schema


def segment_plan_schema() -> dict:
    host = {'$ref': facts.SCHEMA_REF + 'recovery_plan.host'}
    return {'type': 'object', 'properties': {
        'segment': {'type': 'string'},
        'recovery_method': {'type': 'string'},
        'failover_capacity': {'type': 'boolean'},
        'hosts_without_failover_capacity': {
            'type': 'array', 'items': {'type': 'string'}},
        'plans': {'type': 'array', 'items': host},
    }, 'required': ['segment', 'recovery_method', 'failover_capacity',
                    'hosts_without_failover_capacity', 'plans']}


def component_schemas() -> dict:
    return {
        'recovery_plan.host': host_plan_schema(),
        'recovery_plan.segment': segment_plan_schema(),
        'recovery_plan.host.single': facts.envelope(
            'recovery_plan',
            {'$ref': facts.SCHEMA_REF + 'recovery_plan.host'}),
        'recovery_plan.segment.single': facts.envelope(
            'recovery_plan',
            {'$ref': facts.SCHEMA_REF + 'recovery_plan.segment'}),
    }


def body_ref(action: str) -> dict:
    kind = 'segment' if action == 'index' else 'host'
    return {'$ref': facts.SCHEMA_REF + f'recovery_plan.{kind}.single'}
