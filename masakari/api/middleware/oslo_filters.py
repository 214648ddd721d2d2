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

"""oslo.middleware filters with a plain-WSGI path for the usual request.

oslo.middleware's filters wrap every request in a WebOb request and
response and inspect ``process_response``'s signature each time; for the
three filters in front of every API call that was a fifth of a simple GET.
These subclasses keep the options and behaviour of the originals and hand
the request straight through when the filter has nothing to do:

* ``CORS``: no ``Origin`` header and not an ``OPTIONS`` request (a CORS
  response needs an Origin; OPTIONS may become a preflight answer);
* ``HTTPProxyToWSGI``: ``enable_proxy_headers_parsing`` is off;
* ``RequestId``: always plain WSGI, the same environ keys and header.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from oslo_context import context as oslo_context
from oslo_middleware import cors
from oslo_middleware import http_proxy_to_wsgi
from oslo_middleware import request_id

from masakari.api import appctx

# What paste adds to every filter's configuration.
_PASTE_KEYS = frozenset({'__file__', 'here'})
_GLOBAL_ID = re.compile(request_id.ID_FORMAT)
_RESPONSE_HEADER = request_id.HTTP_RESP_HEADER_REQUEST_ID


def _service_conf_factory(cls: Any, global_conf: dict,
                          **local_conf: Any) -> Callable:
    """Options from the configuration the service started with.

    oslo.middleware, given ``oslo_config_project`` in the paste file,
    would load a second copy from the default locations only (missing the
    service's ``--config-file``/``--config-dir``), and without it would
    read the process-global configuration. Options set in the paste file
    itself (anything else than ``oslo_config_project``) keep oslo's
    behaviour.
    """
    context = appctx.from_paste(global_conf)
    if set(local_conf) - _PASTE_KEYS - {'oslo_config_project'}:
        paste_conf = {k: v for k, v in global_conf.items()
                      if k != appctx.PASTE_KEY}
        paste_conf.update(local_conf)
        return lambda app: cls(app, paste_conf)
    return lambda app: cls(app, context.conf)


class CORS(cors.CORS):
    """oslo.middleware's CORS reading ``[cors]`` of the service."""

    factory = classmethod(_service_conf_factory)

    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        if 'HTTP_ORIGIN' not in environ and \
                environ.get('REQUEST_METHOD') != 'OPTIONS':
            return self.application(environ, start_response)
        return super().__call__(environ, start_response)


class HTTPProxyToWSGI(http_proxy_to_wsgi.HTTPProxyToWSGI):
    """oslo.middleware's proxy header parsing, with the service's
    ``[oslo_middleware]`` options."""

    factory = classmethod(_service_conf_factory)

    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        if not self._conf_get('enable_proxy_headers_parsing'):
            return self.application(environ, start_response)
        return super().__call__(environ, start_response)


class RequestId(request_id.RequestId):
    """A request id per request; a valid inbound one becomes global."""

    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        inbound = environ.get('HTTP_X_OPENSTACK_REQUEST_ID', '')
        if inbound and _GLOBAL_ID.match(inbound):
            environ[request_id.GLOBAL_REQ_ID] = inbound
        req_id = oslo_context.generate_request_id()
        environ[request_id.ENV_REQUEST_ID] = req_id
        names = [_RESPONSE_HEADER, *self.compat_headers]

        def _start(status: str, headers: list, exc_info: Any = None
                   ) -> Callable:
            present = {name.lower() for name, _ in headers}
            for name in names:
                if name.lower() not in present:
                    headers.append((name, req_id))
            return start_response(status, headers, exc_info)

        return self.application(environ, _start)
