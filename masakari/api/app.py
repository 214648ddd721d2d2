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

"""The /v1 WSGI application: route, negotiate, parse, dispatch, render.

The checks run in the order upstream masakari makes them, which decides
which error a request with several problems gets: routing, microversion,
Content-Type, action lookup, JSON body, URL project id, then the handler.
"""

from __future__ import annotations

import importlib
import json
import logging
from typing import Any, Callable, Iterable

import webob
from oslo_db import exception as db_exc
from sqlalchemy import exc as sa_exc

from masakari.api import appctx
from masakari.api import errors
from masakari.api import microversion
from masakari.api import request as api_request
from masakari.api import routes
from masakari import context as masakari_context
from masakari import exception

LOG = logging.getLogger(__name__)

JSON = 'application/json'
VND_JSON = 'application/vnd.openstack.masakari+json'
SUPPORTED_TYPES = (JSON, VND_JSON)
# Bodies sent with these (or without) Content-Type are read as JSON.
LENIENT_TYPES = ('', 'text/plain')
FORMAT_SUFFIXES = ('.json', '.xml')
BODY_METHODS = ('POST', 'PUT')
CONTEXT_KEY = 'masakari.context'

MALFORMED_URL = 'Malformed request URL'
DB_UNAVAILABLE = 'The database is unavailable; please retry later.'
# What a request meets while the database server is gone or restarting.
# oslo.db translates only the messages it knows into DBConnectionError
# (not, e.g., libpq 14+'s "connection to server ... failed"); the DB-API's
# OperationalError and InterfaceError name the same condition: the
# database, not the request, is at fault.
DB_UNAVAILABLE_ERRORS = (db_exc.DBConnectionError, sa_exc.OperationalError,
                         sa_exc.InterfaceError)
MALFORMED_QUERY = ('Invalid input received: the query string contains '
                   'characters that are not allowed')

Handler = Callable[..., api_request.ApiResponse]


def _unstorable(value: str) -> bool:
    return '\x00' in value or any(ord(c) > 0xFFFF for c in value)


def _load_handlers() -> dict[str, Any]:
    names = {c.controller for c in routes.COLLECTIONS}
    return {name: importlib.import_module(f'masakari.api.handlers.{name}')
            for name in names}


def _json_bytes(doc: Any) -> bytes:
    return json.dumps(doc).encode('utf-8')


fault_response = errors.fault_response
unexpected_response = errors.unexpected_response


class V1Application:
    """WSGI app for everything under /v1 (after auth middleware)."""

    def __init__(self, app_context: appctx.AppContext) -> None:
        self.app_context = app_context
        self.mapper = routes.build_mapper(
            app_context.conf.osapi_v1.project_id_regex)
        self.handlers = _load_handlers()

    # -- WSGI -------------------------------------------------------------
    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        req = webob.Request(environ)
        resp = self.handle(req)
        return resp(environ, start_response)

    def handle(self, req: webob.Request) -> webob.Response:
        try:
            path, forced_json = self._strip_suffix(req.path_info)
        except UnicodeDecodeError:
            return fault_response(400, MALFORMED_URL)
        match = self.mapper.routematch(path, req.environ)
        if not match:
            return fault_response(404, errors.NOT_FOUND_MESSAGE)
        params = dict(match[0])
        highest = microversion.maximum(self.app_context.conf)
        if not self._offered(req, params, highest):
            return fault_response(404, errors.NOT_FOUND_MESSAGE)
        version = None
        try:
            version = microversion.negotiate(
                req.headers.get(microversion.HEADER), highest)
            self._check_text(req, params)
            resp = self._dispatch(req, params, version, forced_json)
        except errors.ApiError as exc:
            resp = fault_response(exc.code, exc.message, exc.headers)
        except exception.MasakariException as exc:
            if exc.code >= 500:
                LOG.error('%s %r failed with %d: %s', req.method,
                          req.environ.get('PATH_INFO'), exc.code, exc,
                          exc_info=True)
            resp = fault_response(exc.code, exc.message)
        except DB_UNAVAILABLE_ERRORS:
            LOG.error('Database unavailable for %s %r', req.method,
                      req.environ.get('PATH_INFO'), exc_info=True)
            resp = fault_response(503, DB_UNAVAILABLE)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            LOG.exception('Unexpected error handling %s %s', req.method,
                          req.path)
            resp = unexpected_response(exc)
        if version is not None:
            resp.headers.update(microversion.response_headers(version))
        return resp

    # -- steps ------------------------------------------------------------
    @staticmethod
    def _offered(req: webob.Request, params: dict,
                 highest: microversion.Version) -> bool:
        """False for a route of a newer microversion than the request's
        (which then answers exactly as an unknown path)."""
        minimum = microversion.CONTROLLER_MIN_VERSION.get(
            params.get('controller'))
        if minimum is None:
            return True
        try:
            version = microversion.negotiate(
                req.headers.get(microversion.HEADER), highest)
        except errors.ApiError:
            return False
        return version >= minimum

    @staticmethod
    def _check_text(req: webob.Request, params: dict) -> None:
        """Refuse what no stored value can contain (and some databases
        cannot even compare): NUL and characters outside the BMP."""
        if any(_unstorable(v) for v in params.values()):
            raise errors.bad_request(MALFORMED_URL)
        try:
            items = list(req.GET.items())
        except UnicodeDecodeError:
            raise errors.bad_request(MALFORMED_QUERY) from None
        for key, value in items:
            if _unstorable(key) or _unstorable(value):
                raise errors.bad_request(MALFORMED_QUERY)

    @staticmethod
    def _strip_suffix(path: str) -> tuple[str, bool]:
        for suffix in FORMAT_SUFFIXES:
            if path.endswith(suffix):
                return path[:-len(suffix)], suffix == '.json'
        return path, False

    def _dispatch(self, req: webob.Request, params: dict,
                  version: microversion.Version,
                  forced_json: bool) -> webob.Response:
        self._check_content_type(req)
        controller = params.pop('controller')
        action = params.pop('action')
        handler = getattr(self.handlers[controller], action, None)
        if handler is None:
            raise errors.ApiError(
                405, f"The request method: '{req.method}' with action: "
                     f"'{action}' is not allowed on this resource")
        body = self._body(req) if req.method in BODY_METHODS else None
        context = self._context(req)
        project_id = params.pop('project_id', None)
        if project_id is not None and project_id != str(context.project_id):
            raise errors.bad_request(
                f"Malformed request URL: URL's project_id '{project_id}' "
                f"doesn't match Context's project_id "
                f"'{context.project_id}'")
        api_req = api_request.ApiRequest(req, context, version, body,
                                         self.app_context)
        result = handler(api_req, **params)
        return self._render(req, result, forced_json)

    @staticmethod
    def _check_content_type(req: webob.Request) -> None:
        if 'Content-Type' not in req.headers:
            return
        ctype = req.headers['Content-Type'].split(';', 1)[0].strip().lower()
        if ctype in LENIENT_TYPES or ctype in SUPPORTED_TYPES:
            return
        raise errors.ApiError(415, 'Unsupported Content-Type')

    @staticmethod
    def _body(req: webob.Request) -> Any:
        try:
            raw = req.body
        except webob.request.DisconnectionError:
            # The client sent less than its Content-Length and stopped.
            raise errors.bad_request('Malformed request body') from None
        if not raw:
            return None
        try:
            return json.loads(raw.decode('utf-8'))
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise errors.bad_request('Malformed request body') from None

    @staticmethod
    def _context(req: webob.Request) -> Any:
        ctx = req.environ.get(CONTEXT_KEY)
        if ctx is None:
            ctx = masakari_context.RequestContext.from_environ(req.environ)
            req.environ[CONTEXT_KEY] = ctx
        return ctx

    @staticmethod
    def _content_type(req: webob.Request, forced_json: bool) -> str:
        if forced_json or 'Accept' not in req.headers:
            return JSON
        offers = req.accept.acceptable_offers(list(SUPPORTED_TYPES))
        return offers[0][0] if offers else JSON

    def _render(self, req: webob.Request, result: api_request.ApiResponse,
                forced_json: bool) -> webob.Response:
        resp = webob.Response(status=result.status)
        resp.headers['Content-Type'] = self._content_type(req, forced_json)
        if result.body is None:
            resp.body = b''
        else:
            resp.body = _json_bytes(result.body)
        for key, value in result.headers.items():
            resp.headers[key] = value
        return resp


def v1_factory(global_conf: dict, **local_conf: Any) -> V1Application:
    """paste.app_factory for the v1 application."""
    return V1Application(appctx.from_paste(global_conf))
