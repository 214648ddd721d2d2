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

"""Request bodies of /notifications and the per-type payload schemas."""

from masakari.api.schemas import common

create = {
    'type': 'object',
    'properties': {
        'notification': {
            'type': 'object',
            'properties': {
                # A tuple so the 400 message shows one, as upstream's.
                'type': {'type': 'string',
                         'enum': ('COMPUTE_HOST', 'VM', 'PROCESS')},
                'hostname': common.hostname,
                'generated_time': {'type': 'string', 'format': 'date-time'},
                'payload': common.generic_payload,
            },
            'required': ['type', 'hostname', 'generated_time', 'payload'],
            'additionalProperties': False,
        },
    },
    'required': ['notification'],
    'additionalProperties': False,
}

_started_stopped = {'type': 'string', 'enum': ['STARTED', 'STOPPED']}

# Evidence that a failed host is powered off, sent by host monitors that
# checked it (an addition to upstream's payload; its keys are untouched).
fencing_evidence = {
    'type': 'object',
    'properties': {
        'confirmed': {'type': 'boolean'},
        'source': {'type': 'string', 'minLength': 1, 'maxLength': 64,
                   'pattern': '^[a-zA-Z0-9-_:.]*$'},
        'at': {'type': 'string', 'maxLength': 64},
    },
    'required': ['confirmed', 'source'],
    'additionalProperties': False,
}

# Payload keys whose values are objects: the generic layer (string values
# only) does not see them; the per-type schema checks them.
OBJECT_KEYS = frozenset({'fencing'})

PAYLOADS = {
    'COMPUTE_HOST': {
        'type': 'object',
        'properties': {
            'event': _started_stopped,
            'host_status': {'type': 'string', 'enum': ['NORMAL', 'UNKNOWN']},
            'cluster_status': {'type': 'string',
                               'enum': ['ONLINE', 'OFFLINE']},
            'fencing': fencing_evidence,
        },
        'required': ['event'],
        'additionalProperties': False,
    },
    'PROCESS': {
        'type': 'object',
        'properties': {
            'process_name': {'type': 'string', 'minLength': 1,
                             'maxLength': 4096},
            'event': _started_stopped,
        },
        'required': ['process_name', 'event'],
        'additionalProperties': False,
    },
    'VM': {
        'type': 'object',
        'properties': {
            'instance_uuid': {'type': 'string', 'format': 'uuid'},
            'vir_domain_event': {'type': 'string', 'minLength': 1,
                                 'maxLength': 255},
            'event': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        },
        'required': ['instance_uuid', 'vir_domain_event', 'event'],
        'additionalProperties': False,
    },
}
