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

"""Errors raised by the simulated services, carrying their HTTP shape."""

from __future__ import annotations

# Nova's fault wrapper names the JSON body after the status code; anything
# unlisted is a "computeFault" (nova.api.openstack.wsgi.Fault._fault_names).
NOVA_FAULT_NAMES = {
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


class SimError(Exception):
    """An HTTP error answer; ``style`` picks the body format of the service."""

    def __init__(self, code: int, message: str, style: str = 'nova',
                 headers: dict | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.style = style
        self.headers = dict(headers or {})

    def body(self) -> dict:
        if self.style == 'keystone':
            # keystone.exception.Error.to_dict shape
            return {'error': {'code': self.code, 'title': _TITLES.get(
                self.code, 'Error'), 'message': self.message}}
        if self.style == 'plain':
            return {'error': {'code': self.code, 'message': self.message}}
        name = NOVA_FAULT_NAMES.get(self.code, 'computeFault')
        return {name: {'code': self.code, 'message': self.message}}


_TITLES = {400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
           404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error',
           503: 'Service Unavailable'}


def bad_request(message: str) -> SimError:
    return SimError(400, message)


def not_found(message: str) -> SimError:
    return SimError(404, message)


def conflict(message: str) -> SimError:
    return SimError(409, message)


def forbidden_policy(rule: str) -> SimError:
    # nova.exception.PolicyNotAuthorized text
    return SimError(403, "Policy doesn't allow %s to be performed." % rule)


def invalid_state(action: str, server_id: str, attr: str,
                  state: str | None) -> SimError:
    # nova.api.openstack.common.raise_http_conflict_for_instance_invalid_state
    return conflict("Cannot '%s' instance %s while it is in %s %s"
                    % (action, server_id, attr, state))


class DropConnection(Exception):
    """Close the client connection without answering (injected timeout)."""
