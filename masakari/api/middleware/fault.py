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

"""Last-resort error handling: every error leaves as a JSON fault envelope.

Exceptions escaping the inner app become a 500 envelope, except that an
incomplete [keystone_authtoken] configuration (keystonemiddleware cannot
authenticate anyone) is a 503: the request was fine, the service cannot
serve it until an operator fixes its configuration. Error responses made
by other middleware (keystonemiddleware's 401, for example) are rewritten
into the envelope, keeping their status and headers.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any, Callable, Iterable

from masakari.api import errors
from masakari.api.middleware import base

LOG = logging.getLogger(__name__)

MESSAGES = {
    401: 'The request you have made requires authentication.',
    413: 'Request is too large.',
}


# Raised by keystonemiddleware when [keystone_authtoken] lacks what it
# needs (no auth plugin, unusable options): nothing a client can change.
# (module, class); looked up only once keystonemiddleware has raised
# something, so the noauth2 pipeline never imports it.
AUTH_CONFIG_ERRORS = (
    ('keystoneauth1.exceptions', 'MissingAuthPlugin'),
    ('keystonemiddleware.auth_token._exceptions', 'ConfigurationError'),
)
AUTH_UNAVAILABLE = ('Authentication is unavailable: the [keystone_authtoken] '
                    'configuration of this service is incomplete.')


def _is_auth_config_error(exc: Exception) -> bool:
    classes = tuple(
        cls for cls in (getattr(sys.modules.get(module), name, None)
                        for module, name in AUTH_CONFIG_ERRORS)
        if isinstance(cls, type))
    return bool(classes) and isinstance(exc, classes)


def _message(status: str, body: bytes) -> str:
    try:
        doc = json.loads(body)
        inner = doc.get('error') if isinstance(doc, dict) else None
        if isinstance(inner, dict) and isinstance(inner.get('message'), str):
            return inner['message']
    except (ValueError, UnicodeDecodeError):
        pass
    code = int(status.split(' ', 1)[0])
    return MESSAGES.get(code) or status.split(' ', 1)[-1]


class FaultWrapper(base.Middleware):
    """Plain WSGI: the inner response is buffered (API bodies are small)
    and only rebuilt when it is an error outside the envelope."""

    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        started: list = []
        chunks: list[bytes] = []

        def _start(status: str, headers: list, exc_info: Any = None
                   ) -> Callable[[bytes], None]:
            started[:] = [status, headers]
            return chunks.append

        try:
            result = self.application(environ, _start)
            try:
                chunks.extend(result)
            finally:
                close = getattr(result, 'close', None)
                if close is not None:
                    close()
            if not started:
                raise RuntimeError('the application did not start a '
                                   'response')
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if _is_auth_config_error(exc):
                LOG.error('Cannot authenticate %s %r: %s: %s. Check the '
                          '[keystone_authtoken] options (auth_type and its '
                          'credentials, www_authenticate_uri).',
                          environ.get('REQUEST_METHOD'),
                          environ.get('PATH_INFO'), type(exc).__name__, exc)
                return errors.fault_response(503, AUTH_UNAVAILABLE)(
                    environ, start_response)
            LOG.exception('Unexpected error for %s %r',
                          environ.get('REQUEST_METHOD'),
                          environ.get('PATH_INFO'))
            return errors.unexpected_response(exc)(environ, start_response)
        status, headers = started
        body = b''.join(chunks)
        if int(status.split(' ', 1)[0]) >= 400 and \
                not errors.is_fault_body(body):
            resp = errors.fault_response(
                int(status.split(' ', 1)[0]), _message(status, body),
                {k: v for k, v in headers
                 if k.lower() not in ('content-type', 'content-length')})
            return resp(environ, start_response)
        start_response(status, headers)
        return [body]
