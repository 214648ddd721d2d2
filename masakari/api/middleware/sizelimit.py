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

"""Request body size limit answering 413 with the JSON fault envelope.

Uses ``[oslo_middleware] max_request_body_size``; chunked bodies are read
(at most limit + 1 bytes) and replaced by a buffered copy.
"""

from __future__ import annotations

import io
from typing import Callable, Iterable

from oslo_config import cfg

from masakari.api import appctx
from masakari.api import errors
from masakari.api.middleware import base

DEFAULT_MAX = 114688
MESSAGE = 'Request is too large.'


def max_body_size(conf: cfg.ConfigOpts) -> int:
    """The limit: ``[oslo_middleware] max_request_body_size``."""
    return int(conf.oslo_middleware.max_request_body_size or DEFAULT_MAX)


class SizeLimit(base.Middleware):
    def __init__(self, application: Callable,
                 app_context: appctx.AppContext, limit: int | None = None
                 ) -> None:
        super().__init__(application, app_context)
        self.limit = limit

    def _too_large(self, environ: dict, start_response: Callable
                   ) -> Iterable[bytes]:
        return errors.fault_response(413, MESSAGE)(environ, start_response)

    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        limit = self.limit if self.limit is not None \
            else max_body_size(self.app_context.conf)
        length = environ.get('CONTENT_LENGTH')
        if length:
            try:
                size = int(length)
            except ValueError:
                size = 0
            if size > limit:
                return self._too_large(environ, start_response)
        elif environ.get('HTTP_TRANSFER_ENCODING', '').lower() == 'chunked':
            body = environ['wsgi.input'].read(limit + 1)
            if len(body) > limit:
                return self._too_large(environ, start_response)
            environ['wsgi.input'] = io.BytesIO(body)
            environ['CONTENT_LENGTH'] = str(len(body))
            del environ['HTTP_TRANSFER_ENCODING']
        return self.application(environ, start_response)
