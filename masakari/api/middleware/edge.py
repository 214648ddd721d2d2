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

"""What every request meets first and last: the scheme a TLS proxy
reports, and one access log line once the response is sent.

The loader puts this around the whole paste pipeline, so it applies
whatever the paste file of a deployment contains.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Iterable, Iterator

from masakari.api import appctx

LOG = logging.getLogger('masakari.api.access')
SCHEMES = ('http', 'https')
REQUEST_ID_KEY = 'openstack.request_id'


def environ_key(header: str) -> str:
    """``X-Forwarded-Proto`` (or ``HTTP_X_FORWARDED_PROTO``) as the WSGI
    environ key of that header."""
    key = header.strip().upper().replace('-', '_')
    return key if key.startswith('HTTP_') else 'HTTP_' + key


class _Counted:
    """The response body, counted as the server takes it."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]
                 ) -> None:
        self.body = body
        self.done = done

    def __iter__(self) -> Iterator[bytes]:
        size = 0
        try:
            for chunk in self.body:
                size += len(chunk)
                yield chunk
        finally:
            self.done(size)

    def close(self) -> None:
        close = getattr(self.body, 'close', None)
        if close is not None:
            close()


class Edge:
    """Applies ``[wsgi] secure_proxy_ssl_header`` and logs each request
    with ``[wsgi] wsgi_log_format``."""

    def __init__(self, application: Callable,
                 app_context: appctx.AppContext,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.application = application
        self.metrics = app_context.metrics
        wsgi = app_context.conf.wsgi
        self.log_format = wsgi.wsgi_log_format
        header = wsgi.secure_proxy_ssl_header
        self.scheme_key = environ_key(header) if header else None
        self.clock = clock

    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        started = self.clock()
        if self.scheme_key:
            scheme = environ.get(self.scheme_key, '').strip().lower()
            if scheme in SCHEMES:
                environ['wsgi.url_scheme'] = scheme
        status: list[str] = []

        def _start(line: str, headers: list, exc_info: Any = None
                   ) -> Callable:
            status[:] = [line]
            return start_response(line, headers, exc_info)

        # The request line as the client sent it, before routing changes
        # SCRIPT_NAME and PATH_INFO.
        path = environ.get('SCRIPT_NAME', '') + environ.get('PATH_INFO', '')
        query = environ.get('QUERY_STRING')
        if query:
            path += '?' + query

        def _done(size: int) -> None:
            line = status[0] if status else '-'
            self.log(environ, path, line, size, self.clock() - started)
            self.metrics.api_requests.labels(
                method=environ.get('REQUEST_METHOD', '-'),
                status=line.split(' ', 1)[0]).inc()

        return _Counted(self.application(environ, _start), _done)

    def log(self, environ: dict, path: str, status: str, size: int,
            seconds: float) -> None:
        """One INFO line through oslo.log, with the request id."""
        method = environ.get('REQUEST_METHOD', '-')
        request_id = environ.get(REQUEST_ID_KEY)
        fields = {
            'client_ip': environ.get('REMOTE_ADDR', '-'),
            'request_line': f"{method} {path} "
                            f"{environ.get('SERVER_PROTOCOL', '-')}",
            'status_code': status.split(' ', 1)[0],
            'body_length': size,
            'wall_seconds': seconds,
            'method': method,
            'path': path,
            'request_id': request_id or '-',
        }
        try:
            line = self.log_format % fields
        except (KeyError, TypeError, ValueError):
            LOG.warning('[wsgi] wsgi_log_format %r cannot be applied; '
                        'logging the default fields', self.log_format)
            line = ('%(client_ip)s "%(request_line)s" status: '
                    '%(status_code)s len: %(body_length)s time: '
                    '%(wall_seconds).7f' % fields)
        # A request_id record attribute makes oslo.log use its context
        # format, which prints it.
        extra = {'request_id': request_id} if request_id else {}
        LOG.info('%s', line, extra=extra)
