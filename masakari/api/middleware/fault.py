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

Exceptions escaping the inner app become a 500 envelope; error responses
made by other middleware (keystonemiddleware's 401, for example) are
rewritten into the envelope, keeping their status and headers.
"""

from __future__ import annotations

import json
import logging
from typing import Callable, Iterable

import webob

from masakari.api import app as v1_app
from masakari.api import errors
from masakari.api.middleware import base

LOG = logging.getLogger(__name__)

MESSAGES = {
    401: 'The request you have made requires authentication.',
    413: 'Request is too large.',
}


def _message(resp: webob.Response) -> str:
    try:
        doc = json.loads(resp.body)
        inner = doc.get('error') if isinstance(doc, dict) else None
        if isinstance(inner, dict) and isinstance(inner.get('message'), str):
            return inner['message']
    except ValueError:
        pass
    return MESSAGES.get(resp.status_int) or resp.status.split(' ', 1)[-1]


class FaultWrapper(base.Middleware):
    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        req = webob.Request(environ)
        try:
            resp = req.get_response(self.application)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            LOG.exception('Unexpected error for %s %r',
                          environ.get('REQUEST_METHOD'),
                          environ.get('PATH_INFO'))
            resp = v1_app.unexpected_response(exc)
            return resp(environ, start_response)
        if resp.status_int >= 400 and not errors.is_fault_body(resp.body):
            new = v1_app.fault_response(
                resp.status_int, _message(resp),
                {k: v for k, v in resp.headers.items()
                 if k.lower() not in ('content-type', 'content-length')})
            resp = new
        return resp(environ, start_response)
