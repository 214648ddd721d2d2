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

"""The Nova compute API application: versions, auth, microversions."""

from __future__ import annotations

import functools

from masakari.testing.cloud import compute_extras, compute_hosts
from masakari.testing.cloud import compute_servers
from masakari.testing.cloud import microversion
from masakari.testing.cloud.errors import SimError
from masakari.testing.cloud.http import Call, Reply, Route, ServiceApp
from masakari.testing.cloud.http import first_key

_UPDATED = '2013-07-23T11:33:21Z'


class ComputeApp(ServiceApp):
    """Nova under ``prefix``; the API itself lives at ``prefix/v2.1``."""

    name = 'compute'
    error_style = 'nova'

    def __init__(self, sim, prefix: str,
                 max_version: tuple[int, int] = microversion.
                 DEFAULT_MAX_VERSION) -> None:
        self.max_version = max_version
        routes = [
            Route('GET', '/', 'compute.versions', self.versions, auth=False),
            Route('GET', '/v2.1', 'compute.version', self.version,
                  auth=False),
        ]
        for table in (compute_servers.ROUTES, compute_hosts.ROUTES,
                      compute_extras.ROUTES):
            for method, template, kind, handler in table:
                routes.append(Route(
                    method, '/v2.1' + template, kind,
                    functools.partial(handler, sim),
                    action_of=first_key if template.endswith('/action')
                    else None))
        super().__init__(sim, prefix, routes)

    # -- version documents ----------------------------------------------------

    def _doc(self, call: Call) -> dict:
        return {'id': 'v2.1', 'status': 'CURRENT',
                'version': microversion.fmt(self.max_version),
                'min_version': microversion.fmt(microversion.MIN_VERSION),
                'updated': _UPDATED,
                'links': [{'rel': 'self', 'href': '%s%s/v2.1/'
                           % (call.host_url, self.prefix)}]}

    def versions(self, call: Call) -> Reply:
        legacy = {'id': 'v2.0', 'status': 'SUPPORTED', 'version': '',
                  'min_version': '', 'updated': '2011-01-21T11:33:21Z',
                  'links': [{'rel': 'self', 'href': '%s%s/v2/'
                             % (call.host_url, self.prefix)}]}
        return Reply(200, {'versions': [legacy, self._doc(call)]})

    def version(self, call: Call) -> Reply:
        doc = self._doc(call)
        doc['links'].append({'rel': 'describedby', 'type': 'text/html',
                             'href': 'http://docs.openstack.org/'})
        doc['media-types'] = [{
            'base': 'application/json',
            'type': 'application/vnd.openstack.compute+json;version=2.1'}]
        return Reply(200, {'version': doc})

    # -- per request ----------------------------------------------------------

    def prepare(self, call: Call, route: Route) -> None:
        # keystonemiddleware auth_token: missing/invalid token -> 401
        token = self.sim.identity.validate(call.headers.get('X-Auth-Token'))
        if token is None:
            raise SimError(401, 'The request you have made requires '
                           'authentication.', 'keystone',
                           {'WWW-Authenticate': 'Keystone uri="%s"'
                            % self.sim.keystone_url})
        call.token = token
        call.version = microversion.negotiate(call.headers, self.max_version)

    def extra_headers(self, call: Call) -> dict[str, str]:
        headers = {'X-Compute-Request-Id': call.request_id,
                   'X-OpenStack-Request-Id': call.request_id}
        if call.version is not None:
            headers.update(microversion.headers_for(call.version))
        return headers
