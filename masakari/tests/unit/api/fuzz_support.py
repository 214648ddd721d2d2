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

"""Shared by the fuzz tests: a populated database, the fault envelope
checker, and hypothesis strategies for (in)valid JSON Schema instances.

The strategies cover the Draft-4 subset masakari's request schemas use;
every "valid" value is re-checked with the validator the API uses, so a
gap here shows up as a filtered-out example, never as a false failure.
"""

from __future__ import annotations

import functools
import json
from typing import Any, NamedTuple

import jsonschema
import webob
from hypothesis import strategies as st

from masakari.api import errors
from masakari.api import validation
from masakari.tests.unit.api import fakes

JSON_TYPES = ('object', 'array', 'string', 'integer', 'number', 'boolean',
              'null')


class World(NamedTuple):
    client: fakes.Client
    seg: str
    host: str
    notif: str
    vmove: str


def make_world(client: fakes.Client, db: Any) -> World:
    """A segment with one host, a notification from it and a VM move."""
    seg = client.post('/v1/segments', {'segment': {
        'name': 's1', 'service_type': 'COMPUTE', 'recovery_method': 'auto'}})
    seg = seg.json['segment']['uuid']
    host = client.post(f'/v1/segments/{seg}/hosts', {'host': {
        'name': 'host1', 'type': 'COMPUTE', 'control_attributes': 'x'}})
    host = host.json['host']['uuid']
    notif = client.post('/v1/notifications', {'notification': {
        'type': 'COMPUTE_HOST', 'hostname': 'host1',
        'generated_time': '2026-01-01T00:00:00',
        'payload': {'event': 'STARTED'}}})
    notif = notif.json['notification']['notification_uuid']
    vmove = db.vmove_create({
        'notification_uuid': notif,
        'instance_uuid': '6b0a3f4e-0c3e-4a57-9d43-1f1f6f0c9a11',
        'instance_name': 'vm1', 'source_host': 'host1',
        'type': 'evacuation', 'status': 'pending'}).uuid
    return World(client, seg, host, notif, vmove)


def check(resp: webob.Response, method: str) -> None:
    """No 5xx; a 4xx carries the JSON fault envelope."""
    assert resp.status_int < 500, (resp.status, resp.body[:500])
    if resp.status_int >= 400 and method != 'HEAD':
        doc = json.loads(resp.body)
        assert isinstance(doc, dict) and len(doc) == 1, doc
        name, inner = next(iter(doc.items()))
        assert name == errors.FAULT_NAMES.get(
            resp.status_int, errors.DEFAULT_FAULT_NAME), doc
        assert inner['code'] == resp.status_int
        assert isinstance(inner['message'], str)
        assert resp.headers['Content-Type'] == \
            'application/json; charset=UTF-8'


# -- schema-valid values ---------------------------------------------------
def is_valid(schema: dict, value: Any) -> bool:
    return _validator(json.dumps(schema, sort_keys=True)).is_valid(value)


@functools.cache
def _validator(schema_text: str) -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(json.loads(schema_text),
                                      format_checker=validation.FORMAT_CHECKER)


printable = st.characters(
    max_codepoint=0xFFFE,
    exclude_categories=('Cc', 'Cf', 'Cs', 'Co', 'Cn', 'Zl', 'Zp'))

FORMATS = {
    'name': st.text(printable, min_size=1, max_size=30).filter(
        validation._is_name),
    'uuid': st.one_of(st.uuids().map(str), st.uuids().map(
        lambda u: str(u).upper()), st.uuids().map(lambda u: u.hex)),
    'date-time': st.one_of(
        st.datetimes().map(lambda d: d.isoformat()),
        st.datetimes(timezones=st.timezones()).map(
            lambda d: d.isoformat()),
        st.dates().map(str)),
}


def from_schema(schema: dict) -> st.SearchStrategy:
    """Values valid under a Draft-4 ``schema`` (masakari's subset)."""
    return _strategy(json.dumps(schema, sort_keys=True))


@functools.cache
def _strategy(schema_text: str) -> st.SearchStrategy:
    schema = json.loads(schema_text)
    return _raw(schema).filter(lambda v: is_valid(schema, v))


def _raw(schema: dict) -> st.SearchStrategy:
    return _raw_cached(json.dumps(schema, sort_keys=True))


@functools.cache
def _raw_cached(schema_text: str) -> st.SearchStrategy:
    """Built once per schema: strategies like from_regex are costly."""
    schema = json.loads(schema_text)
    if 'enum' in schema:
        return st.sampled_from(schema['enum'])
    types = schema.get('type', list(JSON_TYPES))
    if isinstance(types, str):
        types = [types]
    return st.one_of([_of_type(schema, t) for t in types])


def _of_type(schema: dict, kind: str) -> st.SearchStrategy:
    if kind == 'object':
        return _object(schema)
    if kind == 'string':
        return _string(schema)
    if kind == 'array':
        return st.lists(_raw(schema.get('items', {})), max_size=3)
    if kind == 'integer':
        return st.integers(min_value=schema.get('minimum'),
                           max_value=schema.get('maximum'))
    if kind == 'number':
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == 'boolean':
        return st.booleans()
    return st.none()


def _string(schema: dict) -> st.SearchStrategy:
    low = schema.get('minLength', 0)
    high = schema.get('maxLength')
    if schema.get('format') in FORMATS:
        base = FORMATS[schema['format']]
    elif 'pattern' in schema:
        base = st.from_regex(schema['pattern'], fullmatch=True)
    else:
        return st.text(printable, min_size=low,
                       max_size=min(high or 40, low + 40))
    return base.filter(lambda s: low <= len(s) <= (high or len(s)))


@st.composite
def _object(draw: Any, schema: dict) -> dict:
    properties = schema.get('properties', {})
    required = list(schema.get('required', ()))
    alternatives = schema.get('anyOf', ())
    if alternatives and all(set(a) == {'required'} for a in alternatives):
        required += draw(st.sampled_from(alternatives))['required']
    out = {}
    for name, sub in properties.items():
        if name in required or draw(st.booleans()):
            out[name] = draw(_raw(sub))
    for pattern, sub in schema.get('patternProperties', {}).items():
        keys = draw(st.lists(st.from_regex(pattern, fullmatch=True),
                             max_size=3, unique=True))
        for key in keys:
            out[key] = draw(_raw(sub))
    return out


# -- malformed values --------------------------------------------------------
def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every location inside a JSON value (the root is ())."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, prefix + (index,))
    return found


def _replace(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    copy = json.loads(json.dumps(value))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = new
    return copy


other_json = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=10), st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
HUGE_SIZES = (256, 4096, 70000)


@st.composite
def mutated(draw: Any, value: Any) -> Any:
    """``value`` with one defect: a key dropped or added, a value of the
    wrong type, null or an oversized string."""
    path = draw(st.sampled_from(_paths(value)))
    kind = draw(st.sampled_from(['drop', 'extra', 'wrong-type', 'huge',
                                 'null']))
    target = value
    for step in path:
        target = target[step]
    if kind == 'drop' and isinstance(target, dict) and target:
        key = draw(st.sampled_from(sorted(target)))
        return _replace(value, path, {k: v for k, v in target.items()
                                      if k != key})
    if kind == 'extra' and isinstance(target, dict):
        key = draw(st.text(max_size=12))
        return _replace(value, path, {**target, key: draw(other_json)})
    if kind == 'huge':
        size = draw(st.sampled_from(HUGE_SIZES))
        return _replace(value, path, draw(st.sampled_from('a xé')) * size)
    if kind == 'null':
        return _replace(value, path, None)
    return _replace(value, path, draw(other_json.filter(
        lambda v: type(v) is not type(target))))
