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

"""JSON Schema (Draft 4) validation of request bodies with masakari's formats.

The first error found, walking the schema in key order, is reported as a
400 with the message layout clients of upstream masakari are used to.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

import iso8601
import jsonschema
from oslo_utils import timeutils
from oslo_utils import uuidutils

from masakari.api import errors

NAME_FORMAT_MESSAGE = (
    "An invalid 'name' value was provided. The name must be: printable "
    "characters. Can not start or end with whitespace.")


def is_printable(char: str) -> bool:
    """BMP, not control/format/private/unassigned; Zs spaces are fine."""
    if ord(char) > 0xFFFE:
        return False
    category = unicodedata.category(char)
    if category.startswith('C'):
        return False
    return not category.startswith('Z') or category == 'Zs'


def _is_name(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not value:
        return True  # minLength reports emptiness
    if not all(is_printable(c) for c in value):
        return False
    return not (unicodedata.category(value[0]) == 'Zs'
                or unicodedata.category(value[-1]) == 'Zs')


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        # A time that has no UTC equivalent is not a usable date-time.
        timeutils.normalize_time(iso8601.parse_date(value))
    except (iso8601.ParseError, TypeError, ValueError, OverflowError):
        return False
    return True


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return uuidutils.is_uuid_like(value)


FORMAT_CHECKER = jsonschema.FormatChecker(formats=())
FORMAT_CHECKER.checks('name')(_is_name)
FORMAT_CHECKER.checks('date-time')(_is_date_time)
FORMAT_CHECKER.checks('uuid')(_is_uuid)


@functools.cache
def printable_pattern() -> str:
    """A regex character class of every printable BMP character plus LF."""
    ranges = []
    start = None
    for code in range(0x10000):
        ok = code <= 0xFFFE and is_printable(chr(code))
        if ok and start is None:
            start = code
        elif not ok and start is not None:
            ranges.append((start, code - 1))
            start = None
    if start is not None:
        ranges.append((start, 0xFFFE))
    parts = ['\\n']
    for low, high in ranges:
        if low == high:
            parts.append(f'\\u{low:04x}')
        else:
            parts.append(f'\\u{low:04x}-\\u{high:04x}')
    return '^[{}]*$'.format(''.join(parts))


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == 'format' and error.validator_value == 'name':
        return NAME_FORMAT_MESSAGE
    if error.path:
        return (f'Invalid input for field/attribute {error.path[-1]}. '
                f'Value: {error.instance}. {error.message}')
    return error.message


# One compiled validator per schema object; the entry keeps the schema
# alive so its id() cannot be reused by another dict.
_VALIDATORS: dict[int, tuple[dict, jsonschema.Draft4Validator]] = {}


def validate(schema: dict, body: Any) -> None:
    """Raise a 400 ApiError describing the first schema violation."""
    entry = _VALIDATORS.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = (schema, jsonschema.Draft4Validator(
            schema, format_checker=FORMAT_CHECKER))
        _VALIDATORS[id(schema)] = entry
    validator = entry[1]
    for error in validator.iter_errors(body):
        raise errors.bad_request(_message(error))
