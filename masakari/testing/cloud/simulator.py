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

"""The cloud simulator: Keystone + Nova on one local port, with controls.

Usage from a test::

    with CloudSimulator(scale=100) as cloud:
        cloud.add_host('compute1')
        cloud.add_host('compute2')
        vm = cloud.add_server('compute1', metadata={'HA_Enabled': 'True'})
        cloud.kill_host('compute1')
        ...  # drive a real client with cloud.credentials
        assert cloud.get_server(vm.id).host == 'compute2'
"""

from __future__ import annotations

import copy
import secrets
import time
from typing import Any, Callable

from masakari.testing.cloud import microversion
from masakari.testing.cloud.admin_api import AdminApp
from masakari.testing.cloud.clock import Clock, ManualClock, ScaledClock
from masakari.testing.cloud.compute_api import ComputeApp
from masakari.testing.cloud.compute_model import Compute, Timings
from masakari.testing.cloud.compute_records import (Aggregate, Host, Server,
                                                    Service)
from masakari.testing.cloud.errors import SimError
from masakari.testing.cloud.faults import Fault, FaultInjector, RebuildFault
from masakari.testing.cloud.identity_api import IdentityApp
from masakari.testing.cloud.identity_model import Identity, Project, User
from masakari.testing.cloud.journal import Journal
from masakari.testing.cloud.server import BackgroundServer

IDENTITY_PREFIX = '/identity'
COMPUTE_PREFIX = '/compute'
ADMIN_PREFIX = '/_sim'


class CloudSimulator:
    """Keystone v3 + Nova in one process, for tests, benchmarks and demos.

    Args:
        clock: a clock object (see clock.py); default ScaledClock(scale).
        scale: simulated seconds per real second when no clock is given.
        timings: durations of rebuild/stop/start/heartbeats (simulated s).
        max_version: highest compute microversion, e.g. '2.96'.
        admin_password / demo_password: default random.
        case_sensitive_names: Keystone on PostgreSQL (True) or MySQL.
        token_ttl: token lifetime in simulated seconds; long by default so
            a fast clock does not make every client re-authenticate (and
            fill the journal with 401s); tests of expiry set it short.
    """

    def __init__(self, clock: Clock | None = None, scale: float = 1.0,
                 timings: Timings | None = None, host: str = '127.0.0.1',
                 port: int = 0, region: str = 'RegionOne',
                 max_version: str = '2.96', admin_user: str = 'admin',
                 admin_password: str | None = None,
                 admin_project: str = 'admin', demo_user: str = 'demo',
                 demo_password: str | None = None,
                 demo_project: str = 'demo',
                 case_sensitive_names: bool = True,
                 token_ttl: float = 10 * 365 * 86400.0) -> None:
        self.clock = clock or ScaledClock(scale)
        self.journal = Journal()
        self.faults = FaultInjector()
        self.identity = Identity(self.clock, region, token_ttl,
                                 case_sensitive_names)
        self.compute = Compute(self.clock, timings, self.faults)
        self.admin_password = admin_password or secrets.token_urlsafe(12)
        self.demo_password = demo_password or secrets.token_urlsafe(12)
        self.admin = self.identity.add_user(
            admin_user, self.admin_password, admin_project,
            ('admin', 'member', 'reader'), system_roles=('admin',))
        self.admin_project = self.identity.add_project(admin_project)
        self.demo = self.identity.add_user(demo_user, self.demo_password,
                                           demo_project)
        self.demo_project = self.identity.add_project(demo_project)
        self._max_version = microversion.parse(max_version)
        self._http = BackgroundServer(self._route, host, port)
        self.base_url = 'http://%s:%d' % (self._http.host, self._http.port)
        self._apps = (
            IdentityApp(self, IDENTITY_PREFIX),
            ComputeApp(self, COMPUTE_PREFIX, self._max_version),
            AdminApp(self, ADMIN_PREFIX),
        )
        self.identity.add_endpoint('identity', 'keystone',
                                   self.base_url + IDENTITY_PREFIX)
        self.identity.add_endpoint('compute', 'nova', self.compute_url)
        self._started = False

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> CloudSimulator:
        if not self._started:
            self._http.start()
            self._started = True
        return self

    def stop(self) -> None:
        self.clock.close()       # wake held requests first
        self._http.stop()
        self._started = False

    def __enter__(self) -> CloudSimulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _route(self, environ: dict, start_response):
        path = environ.get('PATH_INFO', '')
        for app in self._apps:
            if path == app.prefix or path.startswith(app.prefix + '/'):
                return app(environ, start_response)
        start_response('404 Not Found', [('Content-Type', 'application/json'),
                                         ('Content-Length', '0')])
        return [b'']

    # -- endpoints and credentials ---------------------------------------

    @property
    def keystone_url(self) -> str:
        """The auth_url: ``http://127.0.0.1:<port>/identity/v3``."""
        return self.base_url + IDENTITY_PREFIX + '/v3'

    @property
    def compute_url(self) -> str:
        return self.base_url + COMPUTE_PREFIX + '/v2.1'

    @property
    def admin_url(self) -> str:
        return self.base_url + ADMIN_PREFIX

    @property
    def region(self) -> str:
        return self.identity.region

    @property
    def credentials(self) -> dict[str, str]:
        """keystoneauth ``password`` plugin options for the admin user."""
        return self._creds(self.admin.name, self.admin_password,
                           self.admin_project.name)

    @property
    def demo_credentials(self) -> dict[str, str]:
        return self._creds(self.demo.name, self.demo_password,
                           self.demo_project.name)

    def _creds(self, user: str, password: str, project: str) -> dict:
        return {'auth_url': self.keystone_url, 'username': user,
                'password': password, 'project_name': project,
                'user_domain_name': 'Default',
                'project_domain_name': 'Default'}

    def session(self, admin: bool = True):
        """A keystoneauth1 Session for the admin (or demo) user."""
        from keystoneauth1 import loading, session
        creds = self.credentials if admin else self.demo_credentials
        plugin = loading.get_plugin_loader('password').load_from_options(
            **creds)
        return session.Session(auth=plugin)

    def nova_client(self, version: str = '2.53', admin: bool = True):
        """A python-novaclient Client at ``version`` (region-aware)."""
        from novaclient import client
        return client.Client(version, session=self.session(admin),
                             region_name=self.region)

    # -- identity ---------------------------------------------------------

    def add_project(self, name: str) -> Project:
        return self.identity.add_project(name)

    def add_user(self, name: str, password: str, project: str,
                 roles=('member', 'reader')) -> User:
        return self.identity.add_user(name, password, project, roles)

    def add_endpoint(self, service_type: str, service_name: str,
                     url: str) -> None:
        """Publish another service (e.g. instance-ha) in the catalog."""
        self.identity.add_endpoint(service_type, service_name, url)

    def revoke_tokens(self) -> None:
        self.identity.revoke()

    # -- building the compute side ---------------------------------------

    def add_host(self, name: str, node: str | None = None,
                 zone: str = 'nova', **capacity) -> Host:
        """A compute host + nova-compute service (up, enabled).

        ``capacity``: vcpus, memory_mb, local_gb, cpu_allocation_ratio,
        ram_allocation_ratio, host_ip.
        """
        return self.compute.add_host(name, node, zone, **capacity)

    def add_hosts(self, count: int, prefix: str = 'compute',
                  **capacity) -> list[Host]:
        """``count`` hosts named ``<prefix>-0001`` ... ."""
        return [self.add_host('%s-%04d' % (prefix, i), **capacity)
                for i in range(1, count + 1)]

    def add_server(self, host: str, name: str | None = None,
                   project: str | None = None, **kwargs) -> Server:
        """A server on ``host`` (kwargs: flavor, vm_state, task_state,
        power_state, metadata, locked, server_id); project defaults to demo.
        """
        project_obj = (self.identity.add_project(project) if project
                       else self.demo_project)
        user = self.demo.id if project_obj is self.demo_project \
            else self.admin.id
        return self.compute.add_server(host, name, project_obj.id, user,
                                       **kwargs)

    def add_aggregate(self, name: str, hosts=(),
                      availability_zone: str | None = None,
                      metadata: dict | None = None) -> Aggregate:
        return self.compute.add_aggregate(name, list(hosts),
                                          availability_zone, metadata)

    def remove_server(self, server_id: str) -> None:
        self.compute.remove_server(server_id)

    def set_flavor_specs(self, flavor: str, specs: dict) -> None:
        """Extra specs of ``flavor`` for the servers created after."""
        with self.compute.lock:
            self.compute.extras.flavor_specs[flavor] = {
                str(k): str(v) for k, v in specs.items()}

    def add_image(self, image_id: str, properties: dict) -> None:
        """An image (``add_server(..., image_id=...)``) with properties."""
        with self.compute.lock:
            self.compute.extras.images[image_id] = {
                str(k): str(v) for k, v in properties.items()}

    def add_server_group(self, name: str, policy: str,
                         members: list[str]) -> str:
        """A server group of ``members`` (server ids); returns its id."""
        with self.compute.lock:
            return self.compute.extras.add_group(name, policy, members).id

    # -- failures -----------------------------------------------------------

    def kill_host(self, name: str) -> None:
        """Stop the host's heartbeats; it reads as down after
        ``service_down_time``. Its servers stay where they are."""
        self.compute.kill_host(name)

    def revive_host(self, name: str) -> None:
        self.compute.revive_host(name)

    def inject(self, **kwargs) -> Fault:
        """Add a request fault, see faults.Fault (kind, action, method,
        path, times, latency, status, message, drop, hold)."""
        return self.faults.add(**kwargs)

    def inject_rebuild(self, mode: str, times: int | None = 1,
                       server_id: str | None = None,
                       target_host: str | None = None) -> RebuildFault:
        """The next ``times`` evacuations ``hang`` or ``fail``."""
        return self.faults.add_rebuild(mode=mode, times=times,
                                       server_id=server_id,
                                       target_host=target_host)

    # -- reading state --------------------------------------------------------

    def get_server(self, server_id: str) -> Server:
        """A settled snapshot (a copy) of a server's state."""
        with self.compute.lock:
            self.compute.settle()
            return copy.deepcopy(self.compute.servers[server_id])

    def servers_on(self, host: str) -> list[Server]:
        with self.compute.lock:
            self.compute.settle()
            return [copy.deepcopy(s) for s in
                    self.compute.hosts[host].servers.values()]

    def get_service(self, host: str) -> dict[str, Any]:
        """The compute service of ``host`` as Nova would show it."""
        with self.compute.lock:
            svc: Service = self.compute.hosts[host].service
            return {'id': svc.id, 'host': svc.host, 'status': svc.status,
                    'disabled_reason': svc.disabled_reason,
                    'forced_down': svc.forced_down,
                    'state': 'up' if self.compute.service_is_up(svc)
                    else 'down'}

    def get_aggregate(self, name: str) -> Aggregate:
        with self.compute.lock:
            for agg in self.compute.aggregates.values():
                if agg.name == name:
                    return copy.deepcopy(agg)
        raise KeyError(name)

    # -- time -------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move a ManualClock forward (ScaledClock: not supported)."""
        if not isinstance(self.clock, ManualClock):
            raise SimError(409, 'the clock is not a ManualClock', 'plain')
        self.clock.advance(seconds)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0,
                 interval: float = 0.01) -> bool:
        """Poll ``predicate`` (real seconds) until true or ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)
