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

"""A small WSGI toolkit: route tables, request wrapper, JSON replies.

Each simulated service is a :class:`ServiceApp` with a route table of
:class:`Route` rows (method, path template, kind, handler). The base class
does what every service shares: routing, JSON parsing, fault injection,
journaling and error bodies; subclasses add authentication and versioning
in :meth:`ServiceApp.prepare`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import re
import traceback
import uuid
from typing import Any, Callable
from urllib.parse import parse_qs

from masakari.testing.cloud.errors import DropConnection, SimError

LOG = logging.getLogger(__name__)

DROP_KEY = 'masakari.sim.drop'


@dataclasses.dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Call:
    """One request as handlers see it."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: Any                  # case-insensitive mapping (WebOb)
    host_url: str                 # scheme://host:port
    params: dict[str, str]
    request_id: str
    action: str | None = None
    token: Any = None             # identity_model.Token once authenticated
    version: tuple[int, int] | None = None

    def arg(self, name: str) -> str | None:
        """Last value of a query parameter, or None."""
        values = self.query.get(name)
        return values[-1] if values else None

    def at_least(self, version: str) -> bool:
        return self.version is not None and self.version >= _vtuple(version)

    @property
    def is_admin(self) -> bool:
        return bool(self.token is not None and self.token.is_admin)


Handler = Callable[[Call], Reply]


@functools.lru_cache(maxsize=None)
def _vtuple(version: str) -> tuple[int, int]:
    major, minor = version.split('.')
    return int(major), int(minor)


class Route:
    """Maps METHOD + path template (``/servers/{server_id}``) to a handler."""

    def __init__(self, method: str, template: str, kind: str,
                 handler: Handler, auth: bool = True,
                 action_of: Callable[[Any], str | None] | None = None):
        self.method = method
        self.template = template
        self.kind = kind
        self.handler = handler
        self.auth = auth
        self.action_of = action_of
        pattern = re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', template)
        self.regex = re.compile('^%s/?$' % pattern.rstrip('/'))

    def match(self, path: str) -> dict[str, str] | None:
        found = self.regex.match(path)
        return found.groupdict() if found else None


def first_key(body: Any) -> str | None:
    """The action name of a ``{"action": {...}}`` body."""
    if isinstance(body, dict) and body:
        return next(iter(body))
    return None


class ServiceApp:
    """Base WSGI app of one simulated service mounted under ``prefix``."""

    name = 'service'
    error_style = 'nova'
    journaled = True
    faultable = True

    def __init__(self, sim, prefix: str, routes: list[Route]) -> None:
        self.sim = sim
        self.prefix = prefix.rstrip('/')
        self.routes = routes

    # -- hooks --------------------------------------------------------------

    def prepare(self, call: Call, route: Route) -> None:
        """Authenticate/negotiate; raise SimError to refuse."""

    def extra_headers(self, call: Call) -> dict[str, str]:
        return {}

    def journal_body(self, body: Any) -> Any:
        """What the journal keeps of a request body (hide secrets here)."""
        return body

    # -- dispatch -------------------------------------------------------------

    def _match(self, method: str, path: str) -> tuple[Route, dict]:
        allowed = False
        for route in self.routes:
            params = route.match(path)
            if params is None:
                continue
            if route.method == method:
                return route, params
            allowed = True
        if allowed:
            raise SimError(405, 'The method specified is not allowed for '
                           'this resource.', self.error_style)
        raise SimError(404, 'The resource could not be found.',
                       self.error_style)

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        method = environ['REQUEST_METHOD'].upper()
        path = environ.get('PATH_INFO', '')[len(self.prefix):] or '/'
        query = parse_qs(environ.get('QUERY_STRING', ''),
                         keep_blank_values=True)
        raw = _read_body(environ)
        headers = _Headers(environ)
        call = Call(method=method, path=path, query=query, body=None,
                    headers=headers, host_url=_host_url(environ), params={},
                    request_id='req-%s' % uuid.uuid4())
        started = self.sim.clock.now()
        route = None
        try:
            route, call.params = self._match(method, path)
            call.body = _parse_json(raw, self.error_style)
            if route.action_of is not None:
                call.action = route.action_of(call.body)
            if self.faultable:
                self._apply_fault(call, route, environ, started)
            if route.auth:
                self.prepare(call, route)
            reply = route.handler(call)
        except SimError as exc:
            reply = Reply(exc.code, exc.body(), exc.headers)
        except DropConnection:
            raise
        except Exception:  # a simulator bug: answer like Nova would
            LOG.error('simulator error on %s %s\n%s', method, path,
                      traceback.format_exc())
            reply = Reply(500, SimError(
                500, 'Unexpected API Error. Please report this at '
                'http://bugs.launchpad.net/nova/ and attach the Nova API '
                'log if possible.', self.error_style).body())
        headers = dict(self.extra_headers(call))
        headers.update(reply.headers)
        self._journal(call, route, started, reply.status,
                      raw if call.body is None else call.body)
        return _respond(start_response, reply, headers)

    def _apply_fault(self, call: Call, route: Route, environ: dict,
                     started: float) -> None:
        fault = self.sim.faults.take(route.kind, call.action, call.method,
                                     call.path)
        if fault is None:
            return
        if fault.latency:
            self.sim.clock.sleep(fault.latency)
        if fault.drop:
            self.sim.clock.sleep(fault.hold)
            self._journal(call, route, started, 0, call.body)
            drop = environ.get(DROP_KEY)
            if drop is not None:
                drop()
            raise DropConnection()
        if fault.status is not None:
            raise SimError(fault.status, fault.message or _DEFAULT_FAULT.get(
                fault.status, 'Injected fault.'), self.error_style,
                {'Retry-After': '1'} if fault.status in (429, 503) else None)

    def _journal(self, call: Call, route: Route | None, started: float,
                 status: int, body: Any) -> None:
        if not self.journaled:
            return
        user = call.token.user.name if call.token is not None else None
        version = ('%d.%d' % call.version) if call.version else None
        self.sim.journal.record(
            time=started, service=self.name,
            kind=route.kind if route else 'unknown', method=call.method,
            path=call.path, query=call.query,
            body=None if body == b'' else self.journal_body(body),
            status=status, action=call.action, microversion=version,
            request_id=call.request_id,
            global_request_id=call.headers.get('X-OpenStack-Request-ID'),
            user=user)


_DEFAULT_FAULT = {
    409: 'Injected conflict.',
    500: 'Unexpected API Error. Please report this at '
         'http://bugs.launchpad.net/nova/ and attach the Nova API log if '
         'possible.',
    503: 'Service Unavailable',
}


class _Headers:
    """Case-insensitive read access to the request headers of an environ."""

    def __init__(self, environ: dict) -> None:
        self._environ = environ

    def get(self, name: str, default: str | None = None) -> str | None:
        key = name.upper().replace('-', '_')
        if key in ('CONTENT_TYPE', 'CONTENT_LENGTH'):
            return self._environ.get(key, default)
        return self._environ.get('HTTP_' + key, default)


def _host_url(environ: dict) -> str:
    host = environ.get('HTTP_HOST') or '%s:%s' % (
        environ.get('SERVER_NAME', '127.0.0.1'), environ.get('SERVER_PORT'))
    return '%s://%s' % (environ.get('wsgi.url_scheme', 'http'), host)


def _read_body(environ: dict) -> bytes:
    try:
        length = int(environ.get('CONTENT_LENGTH') or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b''
    return environ['wsgi.input'].read(length)


def _parse_json(raw: bytes, style: str) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        raise SimError(400, 'Malformed request body', style)


_REASONS = {200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
            300: 'Multiple Choices', 400: 'Bad Request',
            401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
            405: 'Method Not Allowed', 406: 'Not Acceptable',
            409: 'Conflict', 413: 'Request Entity Too Large',
            429: 'Too Many Requests', 500: 'Internal Server Error',
            501: 'Not Implemented', 502: 'Bad Gateway',
            503: 'Service Unavailable', 504: 'Gateway Timeout'}


def _respond(start_response, reply: Reply,
             headers: dict[str, str]) -> list[bytes]:
    if reply.body is None or reply.status == 204:
        payload = b''
    else:
        payload = json.dumps(reply.body).encode('utf-8')
        headers.setdefault('Content-Type', 'application/json')
    headers['Content-Length'] = str(len(payload))
    status = '%d %s' % (reply.status, _REASONS.get(reply.status, 'Unknown'))
    start_response(status, list(headers.items()))
    return [payload]
