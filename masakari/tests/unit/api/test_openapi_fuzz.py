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

"""Fuzz every operation of the committed OpenAPI document.

For each operation: schema-valid and malformed bodies (per microversion),
the documented query parameters with valid and garbage values, random
microversion, Content-Type and Accept headers, both route forms; sent
through the paste pipeline (noauth2, SQLite). Every answer must be
documented for the operation: never a 5xx, a 2xx with the documented
status and body, an error with the documented fault envelope.
"""

from __future__ import annotations

import functools
import io
import json
import os
import urllib.parse
import uuid
from typing import Any

import pytest
import webob
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from masakari import api_ref as openapi
from masakari.tests.unit.api import fakes
from masakari.tests.unit.api import fuzz_support
from masakari.tests.unit.api.fuzz_support import check

with open(openapi.DOCUMENT_PATH, encoding='utf-8') as _f:
    DOC = json.load(_f)
COMPONENTS = DOC['components']
PROJECT = fakes.ADMIN_HEADERS['X-Project-Id']
OTHER_PROJECT = 'deadbeef'
VERSIONS = DOC['info']['x-masakari-microversions']
SERVICE = VERSIONS['service_type']
MAX_VERSION = VERSIONS['max_version']
# Examples per operation: implemented ones get more than those that only
# ever answer 405. The fault suite's full run (tools/chaos/run.py fuzz)
# scales them to about $MASAKARI_FUZZ_REQUESTS requests in all and reads
# what was sent from the file $MASAKARI_FUZZ_TALLY.
EXAMPLES = {True: 50, False: 15}
REQUESTS_ENV = 'MASAKARI_FUZZ_REQUESTS'
TALLY_ENV = 'MASAKARI_FUZZ_TALLY'


def _operations() -> list:
    """(plain path, method, operation, project path or None)."""
    by_id = {}
    for path, item in DOC['paths'].items():
        for method, op in item.items():
            by_id[op['operationId']] = (path, method.upper(), op)
    out = []
    for op_id, (path, method, op) in by_id.items():
        if op_id.endswith('.project'):
            continue
        project = by_id.get(op_id + '.project')
        out.append(pytest.param(path, method, op,
                                project[2] if project else None,
                                project[0] if project else None, id=op_id))
    return out


class EmptyNova:
    """A Nova without servers, for the recovery plan calls."""

    def get_servers_on_host(self, context, host):
        return []


@pytest.fixture(autouse=True)
def recovery_plans_offered(conf, app_context):
    """The document describes the API with microversion 1.4 offered."""
    from masakari.ha import recovery_plans
    conf.set_override('enable_recovery_plan_api', True)
    app_context.recovery_planner = recovery_plans.Planner(
        conf, nova_api=EmptyNova())


@pytest.fixture
def world(client, database):
    return fuzz_support.make_world(client, database)


def examples(implemented: bool) -> int:
    wanted = int(os.environ.get(REQUESTS_ENV) or 0)
    if wanted <= 0:
        return EXAMPLES[implemented]
    usual = sum(EXAMPLES[p.values[2]['x-masakari-implemented']]
                for p in _operations())
    return max(1, round(EXAMPLES[implemented] * wanted / usual))


def record_tally(sent: int, errors: int) -> None:
    """Append '<requests sent> <5xx answers>' to the tally file, if any."""
    path = os.environ.get(TALLY_ENV)
    if path:
        with open(path, 'a', encoding='utf-8') as f:
            f.write(f'{sent} {errors}\n')


# -- the document, resolved ---------------------------------------------------
def resolve(node: dict) -> dict:
    while '$ref' in node:
        section, name = node['$ref'].split('/')[-2:]
        node = COMPONENTS[section][name]
    return node


@functools.cache
def _json_schema(ref_text: str) -> dict:
    return openapi.to_json_schema(json.loads(ref_text), COMPONENTS)


def json_schema(oas_schema: dict) -> dict:
    return _json_schema(json.dumps(oas_schema, sort_keys=True))


def parameters(op: dict) -> list[dict]:
    return [resolve(p) for p in op.get('parameters', ())]


def body_schemas(op: dict) -> list[tuple[str, str, dict]]:
    """(min, max, Draft-4 schema) of the request body, newest first."""
    if 'requestBody' not in op:
        return []
    ranges = op.get('x-masakari-microversions')
    if not ranges:
        media = op['requestBody']['content']['application/json']
        return [(VERSIONS['min_version'], MAX_VERSION,
                 json_schema(media['schema']))]
    return [(r['min_version'], r['max_version'], json_schema(r['schema']))
            for r in ranges]


def _version_key(text: str) -> tuple[int, int]:
    major, minor = text.split('.')
    return int(major), int(minor)


# Values the fake world knows (nova's compute hosts, the stored host):
# without them valid bodies would never get past the first lookup.
HINTS = {
    'name': st.sampled_from([f'host{i}' for i in range(10)]),
    'hostname': st.just('host1'),
}

# -- strategies -----------------------------------------------------------------
# BMP text a URL can carry; NUL and astral characters (always a 400) come
# from the explicit lists below, so they do not drown everything else.
url_text = st.characters(max_codepoint=0xFFFF, blacklist_categories=('Cs',),
                         blacklist_characters='\x00')
garbage_text = st.text(url_text, max_size=20)
UNSTORABLE = ['\x00', 'a\U0001f600']
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                                    blacklist_characters='\x7f'),
                      max_size=30)
path_garbage = st.text(st.characters(max_codepoint=0xFFFF,
                                     blacklist_categories=('Cs',),
                                     blacklist_characters='/\x00'),
                       min_size=1, max_size=30).filter(
    lambda s: s != 'new' and not s.endswith(('.json', '.xml')))


def weighted(*choices: tuple[int, st.SearchStrategy]
             ) -> st.SearchStrategy:
    """One of the strategies, picked in proportion to its weight."""
    table = [s for weight, s in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(table.__getitem__)


def version_header() -> st.SearchStrategy:
    low, high = _version_key(VERSIONS['min_version']), \
        _version_key(MAX_VERSION)
    valid = [f'{SERVICE} {high[0]}.{m}' for m in range(low[1], high[1] + 1)]
    return weighted(
        (8, st.sampled_from(valid + [f'{SERVICE} latest', SERVICE])),
        (3, st.none()),
        (1, st.sampled_from([f'{SERVICE} {high[0]}.{high[1] + 1}',
                             f'{SERVICE} {high[0] + 1}.0',
                             f'{SERVICE} LATEST', f'{SERVICE} 1.02',
                             'compute 2.1', 'masakari 1.2',
                             f'compute 2.1, {SERVICE} {MAX_VERSION}'])),
        (1, st.one_of(header_text.map(lambda t: f'{SERVICE} {t}'),
                      header_text)))


def effective_version(header: str | None) -> tuple[int, int]:
    """The version a valid header selects (the minimum otherwise)."""
    if header and header.startswith(SERVICE + ' '):
        raw = header[len(SERVICE) + 1:]
        if raw == 'latest':
            return _version_key(MAX_VERSION)
        try:
            return _version_key(raw)
        except ValueError:
            pass
    return _version_key(VERSIONS['min_version'])


def query_value(name: str, schema: dict) -> st.SearchStrategy:
    """Lists of values: mostly valid for ``schema``, some garbage."""
    kind = schema.get('type')
    if kind == 'array':
        return st.lists(query_value(name, schema['items']).map(
            lambda v: v[0]), min_size=1, max_size=3)
    if name == 'marker':
        valid = st.integers(1, 4).map(str)  # ids the world has
    elif 'enum' in schema:
        valid = st.sampled_from(schema['enum'])
    elif kind == 'integer':
        valid = st.integers(min_value=schema.get('minimum'),
                            max_value=2000).map(str)
    elif kind == 'boolean':
        valid = st.sampled_from(['true', 'false', '1', '0', 'yes', 'Off'])
    elif schema.get('format') == 'date-time':
        valid = fuzz_support.FORMATS['date-time']
    else:
        valid = garbage_text
    garbage = st.one_of(garbage_text, st.integers().map(str),
                        st.sampled_from(['', ' asc ', '-1', '1.5', 'id,name',
                                         *UNSTORABLE]))
    return weighted((4, valid), (1, garbage)).map(lambda v: [v])


@st.composite
def query_string(draw: Any, op: dict) -> str:
    pairs: list[tuple[str, str]] = []
    for param in parameters(op):
        if param['in'] != 'query' or draw(st.integers(0, 3)):
            continue
        for value in draw(query_value(param['name'], param['schema'])):
            pairs.append((param['name'], value))
    # Hypothesis favours small integers: rare branches sit at the top.
    if draw(st.integers(0, 4)) == 4:
        pairs.append((draw(garbage_text), draw(garbage_text)))
    text = urllib.parse.urlencode(pairs)
    if draw(st.integers(0, 9)) == 9:
        text += '&' + draw(st.sampled_from(['limit=%ff%fe', 'a=%', '&==&',
                                            'sort_key=%00']))
    return text


def path_value(world: fuzz_support.World, controller: str, name: str
               ) -> st.SearchStrategy:
    known = {
        'segment_id': world.seg, 'notification_id': world.notif,
        ('segments', 'id'): world.seg, ('hosts', 'id'): world.host,
        ('notifications', 'id'): world.notif,
        ('vmoves', 'id'): world.vmove,
        ('extensions', 'id'): 'segments', ('versions', 'id'): 'v1.0',
    }
    existing = known.get(name) or known.get((controller, name))
    return weighted((6 if existing else 0, st.just(existing)),
                    (2, st.uuids().map(str)), (2, path_garbage),
                    (1, st.sampled_from(UNSTORABLE)))


@st.composite
def request_body(draw: Any, op: dict, version: tuple[int, int]
                 ) -> tuple[bytes | None, str | None]:
    """(raw body, Content-Type): mostly JSON from the schema the version
    selects, valid or with one defect; sometimes not JSON at all."""
    ctype = draw(weighted(
        (12, st.sampled_from([
            'application/json', 'application/vnd.openstack.masakari+json',
            None, 'text/plain', '', 'application/json; charset=UTF-8'])),
        (1, st.sampled_from(['text/xml', 'application/x-www-form-urlencoded',
                             'multipart/form-data'])),
        (1, header_text)))
    table = body_schemas(op)
    if not table:
        raw = draw(st.one_of(st.none(), fuzz_support.other_json.map(
            lambda v: json.dumps(v).encode())))
        return raw, ctype
    schema = next((s for low, high, s in table
                   if _version_key(low) <= version <= _version_key(high)),
                  table[0][2])
    if draw(st.integers(0, 4)) == 4:
        schema = draw(st.sampled_from([s for _, _, s in table]))
    value = draw(fuzz_support.from_schema(schema))
    inner = next(iter(value.values()), None) if value else None
    for key, hint in HINTS.items():
        if isinstance(inner, dict) and key in inner and draw(st.booleans()):
            inner[key] = draw(hint)
    payloads = op.get('x-masakari-payload-schemas', {})
    if isinstance(inner, dict) and inner.get('type') in payloads and \
            draw(st.booleans()):
        inner['payload'] = draw(fuzz_support.from_schema(
            json_schema(payloads[inner['type']])))
    shape = draw(st.sampled_from(['valid'] * 8 + ['mutated'] * 4 + [
        'not-json', 'empty', 'null', 'array', 'oversize']))
    if shape == 'mutated':
        value = draw(fuzz_support.mutated(value))
    if shape == 'not-json':
        return draw(st.one_of(st.binary(max_size=40), st.just(
            json.dumps(value).encode()[:-1]), st.just(b'\xff\xfe{}'))), ctype
    if shape == 'empty':
        return b'', ctype
    if shape == 'null':
        return b'null', ctype
    if shape == 'array':
        return json.dumps([value]).encode(), ctype
    if shape == 'oversize':
        return json.dumps({'x': 'a' * 120000}).encode(), ctype
    return json.dumps(value).encode(), ctype


# -- checks -----------------------------------------------------------------------
def check_documented(resp: webob.Response, method: str, op: dict) -> None:
    check(resp, method)
    status = str(resp.status_int)
    documented = op['responses']
    assert status in documented, (
        f'{op["operationId"]}: undocumented {resp.status}', resp.body[:300])
    assert 'X-Openstack-Request-Id' in resp.headers
    response = resolve(documented[status])
    if resp.status_int >= 400:
        schema = response['content']['application/json']['schema']
        _assert_matches(schema, json.loads(resp.body), op)
        return
    success = [c for c in documented if c.startswith('2')]
    assert success == [status], (op['operationId'], resp.status)
    assert resp.headers['OpenStack-API-Version'].startswith(SERVICE + ' ')
    if 'content' not in response:
        assert resp.body == b''
        return
    media = resp.headers['Content-Type']
    assert media in response['content'], media
    _assert_matches(response['content'][media]['schema'],
                    json.loads(resp.body), op)


def _assert_matches(oas_schema: dict, body: Any, op: dict) -> None:
    schema = json_schema(oas_schema)
    assert fuzz_support.is_valid(schema, body), (
        f'{op["operationId"]}: body does not match the document',
        json.dumps(body)[:500])


@pytest.mark.parametrize('path,method,op,project_op,project_path',
                         _operations())
def test_operation(world, path, method, op, project_op, project_path):
    implemented = op['x-masakari-implemented']
    controller = op['tags'][0]

    sent = {'all': 0, '5xx': 0}

    @settings(max_examples=examples(implemented), deadline=None,
              derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow,
                                     HealthCheck.filter_too_much])
    @given(data=st.data())
    def run(data):
        target, template = op, path
        project = None
        if project_op is not None and data.draw(st.booleans()):
            target, template = project_op, project_path
            project = data.draw(st.sampled_from([PROJECT] * 3 +
                                                [OTHER_PROJECT]))
        values = {'project_id': project}
        for name in sorted(openapi.path_parameters(template) -
                           {'project_id'}):
            values[name] = data.draw(path_value(world, controller, name))
        url = template.format(**{k: urllib.parse.quote(v, safe='')
                                 for k, v in values.items() if v})
        qs = data.draw(query_string(target))
        req = webob.Request.blank(url + ('?' + qs if qs else ''),
                                  method=method)
        req.headers.update(fakes.ADMIN_HEADERS)
        version = data.draw(version_header())
        if version is not None:
            req.headers['OpenStack-API-Version'] = version
        accept = data.draw(st.sampled_from([
            None, 'application/json', '*/*', 'text/html',
            'application/vnd.openstack.masakari+json', 'application/xml']))
        if accept:
            req.headers['Accept'] = accept
        if method in ('POST', 'PUT'):
            raw, ctype = data.draw(request_body(
                target, effective_version(version)))
            if ctype is not None:
                req.headers['Content-Type'] = ctype
            if raw is not None:
                req.body = raw
        resp = req.get_response(world.client.app)
        sent['all'] += 1
        sent['5xx'] += resp.status_int >= 500
        check_documented(resp, method, target)

    try:
        run()
    finally:
        record_tally(sent['all'], sent['5xx'])


def test_valid_bodies_are_accepted(world):
    """The valid-body generator agrees with the API: a schema-valid
    segment (per microversion) is created."""
    op = DOC['paths']['/v1/segments']['post']
    for low, high, schema in body_schemas(op):
        body = {'segment': {'name': f'seg-{uuid.uuid4()}',
                            'service_type': 'COMPUTE',
                            'recovery_method': 'auto'}}
        if 'enabled' in schema['properties']['segment']['properties']:
            body['segment']['enabled'] = 'off'
        assert fuzz_support.is_valid(schema, body)
        resp = world.client.post('/v1/segments', body, version=high)
        assert resp.status == 201, resp
        check_documented(resp.raw, 'POST', op)


# -- found while fuzzing (each was a 500) ------------------------------------
# Converting these to naive UTC overflows the datetime range.
EDGE_DATETIMES = ['0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59-01:00']


@pytest.mark.parametrize('value', EDGE_DATETIMES)
def test_generated_since_out_of_range_is_a_400(world, value):
    resp = world.client.get('/v1/notifications?generated-since=' +
                            urllib.parse.quote(value))
    check_documented(resp.raw, 'GET', DOC['paths']['/v1/notifications']
                     ['get'])


@pytest.mark.parametrize('value', EDGE_DATETIMES)
def test_generated_time_out_of_range_is_a_400(world, value):
    resp = world.client.post('/v1/notifications', {'notification': {
        'type': 'COMPUTE_HOST', 'hostname': 'host1',
        'generated_time': value, 'payload': {'event': 'STOPPED'}}})
    check_documented(resp.raw, 'POST', DOC['paths']['/v1/notifications']
                     ['post'])


def test_body_shorter_than_content_length_is_a_400(world):
    req = webob.Request.blank('/v1/segments', method='POST')
    req.headers.update(fakes.ADMIN_HEADERS)
    req.environ['wsgi.input'] = io.BytesIO(b'{"segment": {}}')
    req.environ['CONTENT_LENGTH'] = '5000'
    resp = req.get_response(world.client.app)
    check_documented(resp, 'POST', DOC['paths']['/v1/segments']['post'])
