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

"""Parameter types shared by the request body schemas (names, booleans,
UUIDs, the recovery methods)."""

from masakari.api import validation

name = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'format': 'name',
}

description = {
    'type': ['string', 'null'], 'minLength': 0,
    'pattern': validation.printable_pattern(),
}

# NOTE: upstream also allows null here and then fails with a 500; a null
# host type or control attribute is rejected as a bad request instead.
host_type = {
    'type': 'string', 'minLength': 0, 'maxLength': 255,
    'pattern': '^[a-zA-Z0-9]*$',
}

control_attributes = {
    'type': 'string', 'minLength': 0,
    'pattern': validation.printable_pattern(),
}

boolean = {
    'type': ['boolean', 'string'],
    'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on',
             'YES', 'Yes', 'yes',
             False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off',
             'NO', 'No', 'no'],
}

hostname = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'pattern': '^[a-zA-Z0-9-._]*$',
}

generic_payload = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}

# A tuple, not a list: the 400 message shows the allowed values with
# Python's repr, and clients of upstream masakari see a tuple there.
recovery_method = {
    'type': 'string',
    'enum': ('auto', 'reserved_host', 'auto_priority', 'rh_priority'),
}


def envelope(key: str, inner: dict) -> dict:
    """``{key: inner}`` and nothing else."""
    return {
        'type': 'object',
        'properties': {key: inner},
        'required': [key],
        'additionalProperties': False,
    }


def create_body(key: str, properties: dict, required: list[str]) -> dict:
    return envelope(key, {
        'type': 'object',
        'properties': properties,
        'required': required,
        'additionalProperties': False,
    })


def update_body(key: str, properties: dict,
                keys: tuple[str, ...] | None = None) -> dict:
    """Any subset of ``properties``, but at least one of ``keys``."""
    return envelope(key, {
        'type': 'object',
        'properties': properties,
        'additionalProperties': False,
        'anyOf': [{'required': [k]} for k in (keys or properties)],
    })
