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

"""Test doubles and a small in-process client for the API tests."""

from __future__ import annotations

import json
from typing import Any

import webob

from masakari import exception

ADMIN_HEADERS = {'X-User-Id': 'admin-user', 'X-Project-Id': 'abc123',
                 'X-Roles': 'admin'}


class FakeEngineAPI:
    """Records casts; answers details from a table or raises."""

    def __init__(self) -> None:
        self.casts: list[str] = []
        self.details: dict[str, list] = {}
        self.cast_error: Exception | None = None
        self.call_error: Exception | None = None

    def process_notification(self, context: Any, notification_uuid: str
                             ) -> None:
        if self.cast_error is not None:
            raise self.cast_error
        self.casts.append(notification_uuid)

    def get_notification_recovery_workflow_details(
            self, context: Any, notification_uuid: str) -> list:
        if self.call_error is not None:
            raise self.call_error
        return self.details.get(notification_uuid, [])


class FakeCompute:
    """Knows a set of nova-compute host names."""

    def __init__(self, hosts: set[str] | None = None) -> None:
        self.hosts = set(hosts or ())
        self.checked: list[str] = []

    def __call__(self, context: Any, host_name: str) -> None:
        self.checked.append(host_name)
        if host_name not in self.hosts:
            raise exception.ComputeNotFoundByName(compute_name=host_name)


class Response:
    def __init__(self, resp: webob.Response) -> None:
        self.raw = resp
        self.status = resp.status_int
        self.headers = resp.headers
        self.body = resp.body

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def fault(self) -> tuple[str, int, str]:
        doc = self.json
        assert len(doc) == 1, doc
        name, inner = next(iter(doc.items()))
        return name, inner['code'], inner['message']

    def __repr__(self) -> str:
        return f'<Response {self.status} {self.body[:300]!r}>'


class Client:
    """Sends requests to a WSGI app in-process."""

    def __init__(self, app: Any, headers: dict | None = None,
                 version: str | None = None) -> None:
        self.app = app
        self.headers = dict(headers if headers is not None
                            else ADMIN_HEADERS)
        self.version = version

    def request(self, method: str, path: str, body: Any = None,
                headers: dict | None = None, raw: bytes | None = None,
                version: str | None = None) -> Response:
        req = webob.Request.blank(path, method=method)
        req.headers.update(self.headers)
        ver = version or self.version
        if ver:
            req.headers['OpenStack-API-Version'] = f'instance-ha {ver}'
        if raw is not None:
            req.body = raw
        elif body is not None:
            req.body = json.dumps(body).encode()
            req.headers['Content-Type'] = 'application/json'
        req.headers.update(headers or {})
        return Response(req.get_response(self.app))

    def get(self, path: str, **kw: Any) -> Response:
        return self.request('GET', path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Response:
        return self.request('POST', path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Response:
        return self.request('PUT', path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Response:
        return self.request('DELETE', path, **kw)
