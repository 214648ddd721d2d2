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

import re

import pytest

from masakari.api import errors
from masakari.api import validation


@pytest.mark.parametrize('char,ok', [
    ('a', True), (' ', True), ('\u00e9', True), ('\t', False),
    ('\n', False), ('\u2028', False), ('\u200b', False),
    ('\U0001F600', False), ('\ue000', False),
])
def test_is_printable(char, ok):
    assert validation.is_printable(char) is ok


@pytest.mark.parametrize('name,ok', [
    ('a', True), ('a b', True), (' a', False), ('a ', False),
    ('a\tb', False), ('\u00e9t\u00e9', True), ('a\U0001F600', False),
    ('\u3000a', False),
])
def test_name_format(name, ok):
    schema = {'type': 'object', 'properties': {'n': {'format': 'name'}}}
    if ok:
        validation.validate(schema, {'n': name})
    else:
        with pytest.raises(errors.ApiError) as exc:
            validation.validate(schema, {'n': name})
        assert exc.value.message == validation.NAME_FORMAT_MESSAGE


@pytest.mark.parametrize('value,ok', [
    ('2017-04-21T17:29:55', True), ('2017-04-21 17:29:55', True),
    ('2017-04-21T17:29:55Z', True), ('2017-04-21T17:29:55+09:00', True),
    ('20261122T040000Z', True), ('2026-11-22', True),
    ('yesterday', False), ('2026-13-01T00:00:00', False),
])
def test_date_time_format(value, ok):
    schema = {'type': 'object', 'properties': {'t': {'format': 'date-time'}}}
    if ok:
        validation.validate(schema, {'t': value})
    else:
        with pytest.raises(errors.ApiError) as exc:
            validation.validate(schema, {'t': value})
        assert "is not a 'date-time'" in exc.value.message


@pytest.mark.parametrize('value,ok', [
    ('96ab1c42-668c-4f2d-8689-afa3301d4ee9', True),
    ('96AB1C42-668C-4F2D-8689-AFA3301D4EE9', True),
    ('96ab1c42668c4f2d8689afa3301d4ee9', True),
    ('{96ab1c42-668c-4f2d-8689-afa3301d4ee9}', True),
    ('abc', False),
])
def test_uuid_format(value, ok):
    schema = {'type': 'object', 'properties': {'u': {'format': 'uuid'}}}
    if ok:
        validation.validate(schema, {'u': value})
    else:
        with pytest.raises(errors.ApiError):
            validation.validate(schema, {'u': value})


def test_printable_pattern_accepts_newline_not_tab():
    pattern = re.compile(validation.printable_pattern())
    assert pattern.search('line1\nline2 \u00e9')
    assert not pattern.search('a\tb')
    assert not pattern.search('a\rb')


def test_message_layout():
    schema = {'type': 'object', 'properties': {
        'x': {'type': 'object', 'properties': {'y': {'type': 'string'}}}}}
    with pytest.raises(errors.ApiError) as exc:
        validation.validate(schema, {'x': {'y': 5}})
    assert exc.value.message == \
        "Invalid input for field/attribute y. Value: 5. 5 is not of type " \
        "'string'"
    with pytest.raises(errors.ApiError) as exc:
        validation.validate(schema, 7)
    assert exc.value.message == "7 is not of type 'object'"
