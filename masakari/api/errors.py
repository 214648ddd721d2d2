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

"""HTTP errors raised by the API and the JSON fault envelope they render to."""

from __future__ import annotations

import json

import webob

# The key of masakari's fault envelope for each status. The cloud
# simulator (masakari/testing/cloud) has a table of the same shape for
# Nova's and Keystone's faults; the two model different services and
# change independently, which is why neither imports the other.
FAULT_NAMES = {
    400: 'badRequest',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'itemNotFound',
    405: 'badMethod',
    409: 'conflictingRequest',
    413: 'overLimit',
    415: 'badMediaType',
    429: 'overLimit',
    501: 'notImplemented',
    503: 'serviceUnavailable',
}
DEFAULT_FAULT_NAME = 'masakariFault'
_ENVELOPE_NAMES = frozenset(FAULT_NAMES.values()) | {DEFAULT_FAULT_NAME}
FAULT_CONTENT_TYPE = 'application/json; charset=UTF-8'
NOT_FOUND_MESSAGE = 'The resource could not be found.'
UNEXPECTED_MESSAGE = (
    'Unexpected API Error. Please report this at '
    'https://bugs.launchpad.net/masakari/ and attach the Masakari API log '
    'if possible.\n{cls}')


class ApiError(Exception):
    """An error with an HTTP status that becomes a fault envelope."""

    def __init__(self, code: int, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str = NOT_FOUND_MESSAGE) -> ApiError:
    return ApiError(404, message)


def fault_body(code: int, message: str,
               retry_after: str | None = None) -> bytes:
    """Render ``{"<faultName>": {"code": ..., "message": ...}}``."""
    name = FAULT_NAMES.get(code, DEFAULT_FAULT_NAME)
    inner: dict = {'code': code, 'message': message}
    if retry_after is not None and code in (413, 429):
        inner['retryAfter'] = retry_after
    return json.dumps({name: inner}).encode('utf-8')


def is_fault_body(body: bytes) -> bool:
    """True when ``body`` already is a fault envelope."""
    try:
        doc = json.loads(body)
    except ValueError:
        return False
    if not isinstance(doc, dict) or len(doc) != 1:
        return False
    name, inner = next(iter(doc.items()))
    if name not in _ENVELOPE_NAMES:
        return False
    return isinstance(inner, dict) and 'code' in inner and 'message' in inner


def fault_response(code: int, message: str,
                   headers: dict[str, str] | None = None) -> webob.Response:
    """A WebOb response carrying the fault envelope."""
    resp = webob.Response(status=code, body=fault_body(code, message))
    resp.headers['Content-Type'] = FAULT_CONTENT_TYPE
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def unexpected_response(exc: BaseException) -> webob.Response:
    """The 500 envelope naming the exception's class."""
    # str(type) like upstream: "<class 'KeyError'>" for builtins.
    return fault_response(500, UNEXPECTED_MESSAGE.format(cls=str(type(exc))))
