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

"""The simulator's own control surface (``/_sim``), unauthenticated.

It listens on 127.0.0.1 only, like the rest of the simulator.

* ``GET /state``: hosts with their service state, counts;
* ``POST /build``: add resources from a cloud description (builder.py);
* ``POST /hosts/{name}/kill`` and ``/revive``: heartbeats stop / resume;
* ``GET /servers/{id}``: raw server state;
* ``GET`` / ``DELETE /journal``: read (filters kind, method, path,
  service, action, since) / clear the journal;
* ``GET`` / ``POST`` / ``DELETE /faults``: list / add (Fault fields, or
  ``{"rebuild": {...}}``) / clear faults;
* ``POST /clock/advance`` ``{"seconds": N}``: ManualClock only.
"""

from __future__ import annotations

import dataclasses

from masakari.testing.cloud import builder
from masakari.testing.cloud.errors import SimError
from masakari.testing.cloud.http import Call, Reply, Route, ServiceApp


def _plain(code: int, message: str) -> SimError:
    return SimError(code, message, 'plain')


class AdminApp(ServiceApp):
    name = 'admin'
    error_style = 'plain'
    journaled = False
    faultable = False

    def __init__(self, sim, prefix: str) -> None:
        super().__init__(sim, prefix, [
            Route('GET', '/state', 'admin.state', self.state),
            Route('POST', '/build', 'admin.build', self.build),
            Route('POST', '/hosts/{name}/kill', 'admin.kill', self.kill),
            Route('POST', '/hosts/{name}/revive', 'admin.revive',
                  self.revive),
            Route('GET', '/servers/{server_id}', 'admin.server', self.server),
            Route('GET', '/journal', 'admin.journal', self.journal),
            Route('DELETE', '/journal', 'admin.journal', self.clear_journal),
            Route('GET', '/faults', 'admin.faults', self.faults),
            Route('POST', '/faults', 'admin.faults', self.add_fault),
            Route('DELETE', '/faults', 'admin.faults', self.clear_faults),
            Route('POST', '/clock/advance', 'admin.clock', self.advance),
        ])

    def state(self, call: Call) -> Reply:
        compute = self.sim.compute
        with compute.lock:
            compute.settle()
            hosts = []
            for host in compute.hosts.values():
                svc = host.service
                hosts.append({
                    'name': host.name, 'node': host.node,
                    'alive': host.alive, 'service_id': svc.id,
                    'status': svc.status, 'forced_down': svc.forced_down,
                    'state': 'up' if compute.service_is_up(svc) else 'down',
                    'servers': len(host.servers)})
            return Reply(200, {
                'keystone_url': self.sim.keystone_url,
                'compute_url': self.sim.compute_url,
                'time': self.sim.clock.now(), 'hosts': hosts,
                'servers': len(compute.servers),
                'aggregates': len(compute.aggregates)})

    def build(self, call: Call) -> Reply:
        if not isinstance(call.body, dict):
            raise _plain(400, 'expected a JSON object')
        try:
            counts = builder.build(self.sim, call.body)
        except builder.SpecError as exc:
            raise _plain(400, str(exc))
        return Reply(201, counts)

    def _host(self, call: Call) -> str:
        name = call.params['name']
        if name not in self.sim.compute.hosts:
            raise _plain(404, 'no host %s' % name)
        return name

    def kill(self, call: Call) -> Reply:
        self.sim.kill_host(self._host(call))
        return Reply(200, self.sim.get_service(call.params['name']))

    def revive(self, call: Call) -> Reply:
        self.sim.revive_host(self._host(call))
        return Reply(200, self.sim.get_service(call.params['name']))

    def server(self, call: Call) -> Reply:
        try:
            server = self.sim.get_server(call.params['server_id'])
        except KeyError:
            raise _plain(404, 'no server %s' % call.params['server_id'])
        return Reply(200, {'server': dataclasses.asdict(server)})

    def journal(self, call: Call) -> Reply:
        try:
            since = int(call.arg('since') or 0)
        except ValueError:
            raise _plain(400, 'since must be an integer')
        entries = self.sim.journal.entries(
            kind=call.arg('kind'), method=call.arg('method'),
            path=call.arg('path'), service=call.arg('service'),
            action=call.arg('action'), since=since)
        return Reply(200, {'entries': [e.to_dict() for e in entries]})

    def clear_journal(self, call: Call) -> Reply:
        self.sim.journal.clear()
        return Reply(204)

    def faults(self, call: Call) -> Reply:
        return Reply(200, {'faults': self.sim.faults.list()})

    def add_fault(self, call: Call) -> Reply:
        body = call.body
        if not isinstance(body, dict):
            raise _plain(400, 'expected a JSON object')
        try:
            if 'rebuild' in body:
                if not isinstance(body['rebuild'], dict):
                    raise _plain(400, 'rebuild must be an object')
                fault = self.sim.faults.add_rebuild(**body['rebuild'])
            else:
                fault = self.sim.faults.add(**body)
        except (TypeError, ValueError) as exc:
            raise _plain(400, 'invalid fault: %s' % exc)
        return Reply(201, {'fault': fault.to_dict()})

    def clear_faults(self, call: Call) -> Reply:
        self.sim.faults.clear()
        return Reply(204)

    def advance(self, call: Call) -> Reply:
        body = call.body if isinstance(call.body, dict) else {}
        seconds = body.get('seconds')
        if not isinstance(seconds, (int, float)) or seconds < 0:
            raise _plain(400, 'seconds must be a non-negative number')
        self.sim.advance(seconds)
        return Reply(200, {'time': self.sim.clock.now()})
