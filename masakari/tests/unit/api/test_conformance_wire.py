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

"""Byte-level wire conformance with masakari 22.0.0 (the whole REST API,
Appendix A), replayed in-process against the paste app (noauth2, SQLite).

The table lives in conformance_table.py; this module builds the fixed
world the table refers to and compares every response.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import webob

from masakari.tests.unit.api import conformance_base as parts
from masakari.tests.unit.api import conformance_table as table
from masakari.tests.unit.api import fakes

NOTES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..',
                     'releasenotes', 'notes')


def send(app: Any, method: str, path: str, names: dict[str, str],
         body: Any = None, raw: bytes | None = None,
         version: str | None = None,
         headers: dict[str, str] | None = None) -> webob.Response:
    req = webob.Request.blank(table.fill(path, names), method=method)
    req.headers.update(fakes.ADMIN_HEADERS)
    if version is not None:
        req.headers['OpenStack-API-Version'] = f'instance-ha {version}'
    if raw is not None:
        req.body = raw
    elif body is not None:
        req.body = table.fill(json.dumps(body), names).encode()
        req.headers['Content-Type'] = 'application/json'
    req.headers.update(headers or {})
    return req.get_response(app)


@pytest.fixture
def world(app: Any, database: Any) -> dict[str, str]:
    return table.build_world(database)


def check(resp: webob.Response, ex: parts.Exchange,
          names: dict[str, str]) -> None:
    assert resp.status == ex.status, resp.body[:500]
    for header, expected in ex.headers.items():
        assert resp.headers.get(header) == expected, (header, resp.headers)
    request_id = resp.headers.get('x-openstack-request-id')
    v1 = ex.path == '/v1' or ex.path.startswith('/v1/')
    if v1 and ex.method != 'OPTIONS':
        assert parts.REQUEST_ID_RE.match(request_id or ''), resp.headers
    if ex.body is not None:
        got = parts.normalise(resp.body.decode(), names)
        assert got == parts.normalise(ex.body, {})
    if v1 and resp.status_int == 204:
        assert resp.headers['Content-Length'] == '0'
    if ex.note is not None:
        assert os.path.exists(os.path.join(NOTES, ex.note)), ex.note


@pytest.mark.parametrize('ex', table.ALL, ids=str)
def test_exchange(app: Any, world: dict[str, str],
                  ex: parts.Exchange) -> None:
    for method, path, body in ex.setup:
        resp = send(app, method, path, world, body=body)
        assert resp.status_int < 300, resp.body
    resp = send(app, ex.method, ex.path, world, body=ex.json, raw=ex.raw,
                version=ex.version, headers=ex.req_headers)
    check(resp, ex, world)


def test_table_ids_are_unique() -> None:
    ids = [ex.id for ex in table.ALL]
    assert len(ids) == len(set(ids))


def test_normalise_keeps_microseconds_visible() -> None:
    # A created_at with non-zero microseconds must not be hidden.
    text = '{"created_at": "2026-11-22T01:05:16.123456"}'
    assert parts.normalise(text, {}) == text


def test_recovery_workflow_details_at_1_1(app: Any, world: dict[str, str],
                                          engine_api: Any) -> None:
    """Appendix A, fourth exchange: the key sits right after status."""
    engine_api.details[world['notif_host']] = [{
        'name': 'StopInstanceTask', 'progress': 1.0,
        'progress_details': [{'timestamp': '2019-03-07 13:54:28.842031',
                              'progress': '0.0', 'message': 'm'}],
        'state': 'SUCCESS'}]
    details = ('"recovery_workflow_details": [{"name": "StopInstanceTask", '
               '"progress": 1.0, "progress_details": [{"timestamp": '
               '"2019-03-07 13:54:28.842031", "progress": "0.0", '
               '"message": "m"}], "state": "SUCCESS"}], ')
    expected = '{"notification": ' + parts.NOTIF_HOST.replace(
        '"failover_segment_uuid"', details + '"failover_segment_uuid"') + '}'
    for version in ('1.1', '1.3'):
        ex = parts.Exchange('details', 'GET', parts.NH, '200 OK',
                            parts.ok(version), expected)
        check(send(app, 'GET', parts.NH, world, version=version), ex, world)
    # Lists never carry the details, whatever the version.
    resp = send(app, 'GET', '/v1/notifications?type=COMPUTE_HOST', world,
                version='1.3')
    assert parts.normalise(resp.body.decode(), world) == (
        '{"notifications": [' + parts.NOTIF_HOST + ']}')


def test_engine_down_at_1_1_is_503(app: Any, world: dict[str, str],
                                   engine_api: Any) -> None:
    """Upstream: 500 MessagingTimeout; ours: 503 JSON fault."""
    import oslo_messaging
    engine_api.call_error = oslo_messaging.MessagingTimeout('gone')
    resp = send(app, 'GET', parts.NH, world, version='1.1')
    assert resp.status == '503 Service Unavailable'
    assert json.loads(resp.body)['serviceUnavailable']['code'] == 503
    assert resp.headers['OpenStack-API-Version'] == 'instance-ha 1.1'
    assert os.path.exists(os.path.join(NOTES, parts.NOTE_NO_500))


def test_segment_pagination_by_integer_marker(app: Any,
                                              world: dict[str, str]) -> None:
    """The sdk pages with marker=<last id> until an empty page."""
    seen = []
    marker = None
    for _ in range(5):  # bounded: two segments, one per page
        query = '?limit=1' + (f'&marker={marker}' if marker else '')
        page = json.loads(send(app, 'GET', '/v1/segments' + query,
                               world).body)['segments']
        if not page:
            break
        seen.append(page[0]['uuid'])
        marker = page[0]['id']
    assert seen == [world['seg2'], world['seg1']]


def test_segment_delete_cascade_frees_host_names(
        app: Any, world: dict[str, str]) -> None:
    assert send(app, 'DELETE', parts.S1, world).status_int == 204
    resp = send(app, 'POST', parts.S2 + '/hosts', world,
                body=parts.host_body(name='host1'))
    assert resp.status == '201 Created'


def test_keystone_member_is_403(keystone_app: Any) -> None:
    """Appendix A, last exchange (keystone, X-Roles: member)."""
    resp = send(keystone_app, 'GET', '/v1/segments', {},
                headers={'X-Roles': 'member'})
    assert resp.status == '403 Forbidden'
    assert resp.body.decode() == parts.err(
        'forbidden', 403, "Policy doesn't allow "
        "os_masakari_api:segments:index to be performed.")
    assert resp.headers['Content-Type'] == parts.FAULT_JSON
    assert resp.headers['OpenStack-API-Version'] == 'instance-ha 1.0'


def test_keystone_schema_before_policy(keystone_app: Any) -> None:
    resp = send(keystone_app, 'POST', '/v1/segments', {},
                body={'segment': {}}, headers={'X-Roles': 'member'})
    assert resp.status_int == 400
    resp = send(keystone_app, 'POST', '/v1/notifications', {},
                body=parts.notif_body(payload={}),
                headers={'X-Roles': 'member'})
    assert resp.status_int == 403


def test_unexpected_error_envelope_is_exact(app: Any, world: dict[str, str],
                                            monkeypatch: Any) -> None:
    """Unexpected errors: the 500 text and the class path, as upstream writes them."""
    from masakari.api.handlers import segments

    def boom(*args: Any, **kwargs: Any) -> None:
        raise KeyError('x')

    monkeypatch.setattr(segments, 'index', boom)
    ex = parts.Exchange(
        '500', 'GET', '/v1/segments', '500 Internal Server Error',
        parts.fault(), parts.err(
            'masakariFault', 500, 'Unexpected API Error. Please report this '
            'at https://bugs.launchpad.net/masakari/ and attach the Masakari '
            "API log if possible.\n<class 'KeyError'>"))
    check(send(app, 'GET', '/v1/segments', world), ex, world)


def test_malformed_service_catalog_is_ignored(keystone_app: Any) -> None:
    """Upstream: 500 'Invalid service catalog json.'; ours ignores it."""
    resp = send(keystone_app, 'GET', '/v1/segments', {}, headers={
        'X-Roles': 'admin', 'X-Service-Catalog': '{not json'})
    assert resp.status == '200 OK'
    assert resp.body == b'{"segments": []}'
    assert os.path.exists(os.path.join(
        NOTES, 'api-service-catalog-header-3f6b0d2a9c1e7485.yaml'))
