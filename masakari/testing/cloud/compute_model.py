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

"""Nova's state and rules: compute hosts, services, servers, aggregates.

Every mutation and every read goes through :class:`Compute` under its lock.
Asynchronous work (rebuilds, stops, starts) is a list of timed steps kept in
a heap; :meth:`Compute.settle` applies the steps that are due at the current
simulated time, so state changes happen lazily on the next read and no
background thread is needed. The records it keeps are in compute_records.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import threading
import uuid
from typing import Callable

from masakari.testing.cloud.clock import Clock
from masakari.testing.cloud.compute_extras import Extras, group_allows
from masakari.testing.cloud.compute_records import (
    DEFAULT_POWER, FLAVORS, NOSTATE, RUNNING, SHUTDOWN, VM_STATES, Aggregate,
    Host, Migration, Server, Service)
from masakari.testing.cloud.faults import FaultInjector


@dataclasses.dataclass
class Timings:
    """Durations in simulated seconds (see clock.py for scaling)."""

    rebuild: float = 30.0          # evacuate accepted -> rebuilt on target
    rebuild_claim: float = 2.0     # accepted -> scheduled, host switched
    stop: float = 5.0
    start: float = 5.0
    report_interval: float = 10.0  # nova [DEFAULT] report_interval
    service_down_time: float = 60.0  # nova [DEFAULT] service_down_time
    rpc_timeout: float = 60.0      # oslo.messaging rpc_response_timeout

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            if getattr(self, field.name) < 0:
                raise ValueError('%s must not be negative' % field.name)


Step = Callable[['Server', float], None]


class Compute:
    """The simulated Nova deployment."""

    def __init__(self, clock: Clock, timings: Timings | None = None,
                 faults: FaultInjector | None = None,
                 controller: str = 'controller') -> None:
        self.clock = clock
        self.timings = timings or Timings()
        self.faults = faults or FaultInjector()
        self.lock = threading.RLock()
        self.hosts: dict[str, Host] = {}
        self.servers: dict[str, Server] = {}       # creation order
        self.aggregates: dict[int, Aggregate] = {}
        self.services: dict[str, Service] = {}     # by id
        self.migrations: list[Migration] = []
        self.extras = Extras()
        self._seq = itertools.count(1)
        self._agg_ids = itertools.count(1)
        self._heap: list[tuple[float, int, str, int, Step]] = []
        self._born = clock.now()
        for binary in ('nova-scheduler', 'nova-conductor'):
            svc = Service(binary, controller, 'internal')
            self.services[svc.id] = svc

    # -- building -------------------------------------------------------------

    def add_host(self, name: str, node: str | None = None, zone: str = 'nova',
                 **capacity) -> Host:
        with self.lock:
            if name in self.hosts:
                raise ValueError('host %s already exists' % name)
            service = Service('nova-compute', name, zone)
            host = Host(name, node or name, service,
                        alive_since=self.clock.now(), **capacity)
            self.hosts[name] = host
            self.services[service.id] = service
            return host

    def add_server(self, host: str, name: str | None = None,
                   project_id: str = 'demo', user_id: str = 'demo',
                   flavor: str = 'm1.small', vm_state: str = 'active',
                   task_state: str | None = None,
                   power_state: int | None = None,
                   metadata: dict | None = None, locked: bool = False,
                   server_id: str | None = None,
                   image_id: str | None = None) -> Server:
        with self.lock:
            if host not in self.hosts:
                raise ValueError('unknown host %s' % host)
            if vm_state not in VM_STATES:
                raise ValueError('unknown vm_state %s' % vm_state)
            if flavor not in FLAVORS:
                raise ValueError('unknown flavor %s' % flavor)
            sid = server_id or str(uuid.uuid4())
            if sid in self.servers:
                raise ValueError('server %s already exists' % sid)
            now = self.clock.now()
            seq = next(self._seq)
            specs = dict(self.extras.flavor_specs.get(flavor) or {})
            server = Server(
                id=sid, name=name or 'vm-%d' % seq, project_id=project_id,
                user_id=user_id,
                flavor=dict(FLAVORS[flavor], extra_specs=specs),
                flavor_name=flavor, host=host, node=self.hosts[host].node,
                vm_state=vm_state, task_state=task_state,
                power_state=(DEFAULT_POWER.get(vm_state, NOSTATE)
                             if power_state is None else power_state),
                created=now, updated=now, seq=seq,
                metadata={str(k): str(v) for k, v in (metadata or {}).items()},
                locked=locked, locked_by='admin' if locked else None,
                launched_at=now,
                availability_zone=self.hosts[host].service.zone)
            if image_id is not None:
                server.image_id = image_id
            self.servers[sid] = server
            self.hosts[host].servers[sid] = server
            return server

    def add_aggregate(self, name: str, hosts: list[str] | tuple = (),
                      availability_zone: str | None = None,
                      metadata: dict | None = None) -> Aggregate:
        with self.lock:
            for h in hosts:
                if h not in self.hosts:
                    raise ValueError('unknown host %s' % h)
            agg = Aggregate(next(self._agg_ids), name, self.clock.now(),
                            availability_zone, list(hosts),
                            dict(metadata or {}))
            self.aggregates[agg.id] = agg
            return agg

    def remove_server(self, server_id: str) -> None:
        with self.lock:
            server = self.servers.pop(server_id)
            server.generation += 1
            for host in self.hosts.values():
                host.servers.pop(server_id, None)
                host.claims.pop(server_id, None)

    # -- liveness -------------------------------------------------------------

    def kill_host(self, name: str) -> None:
        """The host dies: its compute stops reporting; servers stay put."""
        with self.lock:
            host = self.hosts[name]
            if host.alive:
                host.died_at = self.last_heartbeat(host)
                host.alive = False

    def revive_host(self, name: str) -> None:
        with self.lock:
            host = self.hosts[name]
            if host.alive:
                return
            now = self.clock.now()
            host.alive, host.alive_since, host.died_at = True, now, None
            # nova-compute init_host retries interrupted power operations
            # (ComputeManager._init_instance: powering-off / powering-on).
            for server in list(host.servers.values()):
                if server.task_state == 'powering-off':
                    self._schedule(server, self.timings.stop, _finish_stop)
                elif server.task_state == 'powering-on':
                    self._schedule(server, self.timings.start, _finish_start)

    def last_heartbeat(self, host: Host) -> float:
        """Time of the compute's last report (every ``report_interval``)."""
        if not host.alive:
            return host.died_at if host.died_at is not None else self._born
        interval = self.timings.report_interval
        elapsed = max(0.0, self.clock.now() - host.alive_since)
        if interval <= 0:
            return self.clock.now()
        return host.alive_since + (elapsed // interval) * interval

    def service_updated_at(self, service: Service) -> float:
        host = self.hosts.get(service.host)
        if service.binary == 'nova-compute' and host is not None:
            return self.last_heartbeat(host)
        interval = self.timings.report_interval or 1.0
        return self._born + ((self.clock.now() - self._born)
                             // interval) * interval

    def service_is_up(self, service: Service) -> bool:
        # nova.servicegroup.drivers.db: forced_down wins, else the last
        # heartbeat must be at most service_down_time old.
        if service.forced_down:
            return False
        age = self.clock.now() - self.service_updated_at(service)
        return abs(age) <= self.timings.service_down_time

    def compute_service(self, host: str) -> Service | None:
        h = self.hosts.get(host)
        return h.service if h else None

    def host_is_up(self, host: str) -> bool:
        svc = self.compute_service(host)
        return svc is not None and self.service_is_up(svc)

    def host_status(self, server: Server) -> str:
        # nova.compute.api.API._get_host_status (microversion 2.16)
        if not server.host:
            return ''
        svc = self.compute_service(server.host)
        if svc is None:
            return 'UNKNOWN'
        if svc.forced_down:
            return 'DOWN'
        if self.service_is_up(svc):
            return 'MAINTENANCE' if svc.status == 'disabled' else 'UP'
        return 'UNKNOWN'

    # -- capacity and scheduling ------------------------------------------

    def usage(self, host: Host) -> dict:
        owned = list(host.servers.values()) + list(host.claims.values())
        return {'vcpus': sum(s.flavor['vcpus'] for s in owned),
                'ram': sum(s.flavor['ram'] for s in owned),
                'disk': sum(s.flavor['disk'] for s in owned),
                'running': len(host.servers)}

    @staticmethod
    def _fits(host: Host, used: dict, flavor: dict) -> bool:
        return (used['vcpus'] + flavor['vcpus']
                <= host.vcpus * host.cpu_allocation_ratio
                and used['ram'] + flavor['ram']
                <= host.memory_mb * host.ram_allocation_ratio
                and used['disk'] + flavor['disk'] <= host.local_gb)

    def schedule(self, server: Server, requested: str | None) -> str | None:
        """Pick a destination or None (NoValidHost).

        Mirrors the filter scheduler: ComputeFilter (enabled and up),
        the source host is ignored, server group (anti-)affinity, resources
        must fit (placement with allocation ratios), then RAMWeigher
        spreads onto most free RAM.
        """
        names = [requested] if requested else list(self.hosts)
        candidates = []
        for name in names:
            host = self.hosts.get(name)
            if (host is None or name == server.host
                    or host.service.status != 'enabled'
                    or not self.service_is_up(host.service)
                    or not group_allows(self, server, name)):
                continue
            used = self.usage(host)
            if not self._fits(host, used, server.flavor):
                continue
            free_ram = host.memory_mb * host.ram_allocation_ratio - used['ram']
            candidates.append((-free_ram, name))
        return min(candidates)[1] if candidates else None

    # -- timed steps -----------------------------------------------------

    def _schedule(self, server: Server, delay: float, step: Step,
                  base: float | None = None) -> None:
        start = self.clock.now() if base is None else base
        heapq.heappush(self._heap, (start + delay, next(self._seq),
                                    server.id, server.generation, step))

    def settle(self) -> None:
        """Apply every step that is due; call before reading state."""
        with self.lock:
            now = self.clock.now()
            while self._heap and self._heap[0][0] <= now:
                when, _, sid, gen, step = heapq.heappop(self._heap)
                server = self.servers.get(sid)
                if server is not None and server.generation == gen:
                    step(server, when)
                    server.updated = when

    def _cancel(self, server: Server) -> None:
        server.generation += 1
        if server.dest:
            dest = self.hosts.get(server.dest)
            if dest:
                dest.claims.pop(server.id, None)
            server.dest = None

    def move(self, server: Server, dest: str) -> None:
        self.hosts[server.host].servers.pop(server.id, None)
        target = self.hosts[dest]
        target.claims.pop(server.id, None)
        target.servers[server.id] = server
        server.host, server.node, server.dest = dest, target.node, None
        server.availability_zone = target.service.zone

    # -- server actions (API-level checks are in the handlers) -----------

    def evacuate(self, server: Server, requested: str | None,
                 force: bool, target_state: str) -> None:
        """Accept an evacuation (checks done) and start the rebuild."""
        server.task_state = 'rebuilding'
        server.updated = self.clock.now()
        if force and requested:
            dest = requested        # force bypasses the scheduler (2.29-2.67)
        else:
            dest = self.schedule(server, requested)
        if dest is not None:
            server.dest = dest
            self.hosts[dest].claims[server.id] = server
        mode = self.faults.take_rebuild(server.id, dest)
        timings = self.timings
        now = self.clock.now()
        # nova.compute.api.API.evacuate records an 'accepted' migration
        migration = Migration(
            len(self.migrations) + 1, server.id, server.host, server.node,
            requested, None, 'accepted', now, now, server.project_id,
            server.user_id, server.flavor_name)
        self.migrations.append(migration)

        def status(value: str, when: float) -> None:
            migration.status, migration.updated = value, when

        def claimed(srv: Server, when: float) -> None:
            if dest is None:
                # conductor rebuild_instance: NoValidHost -> vm_state error,
                # migration 'error'
                _set_error(srv, when, 'No valid host was found. There are '
                           'not enough hosts available.', 'NoValidHost')
                status('error', when)
                return
            migration.dest_compute = dest
            migration.dest_node = self.hosts[dest].node
            status('pre-migrating', when)
            self.move(srv, dest)
            srv.task_state = 'rebuild_spawning'
            srv.power_state = NOSTATE
            if mode == 'hang':
                return
            self._schedule(srv, max(0.0, timings.rebuild
                                    - timings.rebuild_claim), finished,
                           base=when)

        def finished(srv: Server, when: float) -> None:
            if mode == 'fail':
                _set_error(srv, when, 'Simulated rebuild failure on %s'
                           % dest, 'BuildAbortException')
                status('failed', when)
                return
            status('done', when)
            srv.vm_state = target_state
            srv.task_state = None
            srv.power_state = (SHUTDOWN if target_state == 'stopped'
                               else RUNNING)
            srv.launched_at = when
            srv.fault = None

        self._schedule(server, min(timings.rebuild_claim, timings.rebuild),
                       claimed)

    def stop(self, server: Server) -> None:
        server.task_state = 'powering-off'
        server.updated = self.clock.now()
        # An RPC cast to a dead compute is never consumed: the server stays
        # in powering-off until the compute restarts (see revive_host).
        if self.hosts[server.host].alive:
            self._schedule(server, self.timings.stop, _finish_stop)

    def start(self, server: Server) -> None:
        server.task_state = 'powering-on'
        server.updated = self.clock.now()
        if self.hosts[server.host].alive:
            self._schedule(server, self.timings.start, _finish_start)

    def reset_state(self, server: Server, state: str) -> None:
        # os-resetState sets vm_state and clears task_state; in-flight work
        # in the simulator is abandoned.
        self._cancel(server)
        server.vm_state = state
        server.task_state = None
        server.updated = self.clock.now()


def _finish_stop(server: Server, when: float) -> None:
    server.vm_state, server.task_state = 'stopped', None
    server.power_state = SHUTDOWN


def _finish_start(server: Server, when: float) -> None:
    server.vm_state, server.task_state = 'active', None
    server.power_state = RUNNING


def _set_error(server: Server, when: float, message: str,
               exc_name: str) -> None:
    server.vm_state, server.task_state = 'error', None
    server.fault = {'code': 500, 'message': message, 'created': when,
                    'details': exc_name}
