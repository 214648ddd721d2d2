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

"""Nova os-services, os-aggregates and os-hypervisors."""

from __future__ import annotations

import fnmatch
import uuid

from masakari.testing.cloud import compute_views as views
from masakari.testing.cloud import errors
from masakari.testing.cloud.compute_model import Compute
from masakari.testing.cloud.compute_records import Service
from masakari.testing.cloud.http import Call, Reply, first_key


def _policy(call: Call, rule: str) -> None:
    if not call.is_admin:
        raise errors.forbidden_policy(rule)


# -- os-services ------------------------------------------------------------


def _services(compute: Compute) -> list[Service]:
    return list(compute.services.values())


def list_services(sim, call: Call) -> Reply:
    _policy(call, 'os_compute_api:os-services:list')
    compute = sim.compute
    host, binary = call.arg('host'), call.arg('binary')
    with compute.lock:
        out = [views.service(call, compute, svc, i)
               for i, svc in enumerate(_services(compute), 1)
               if (host is None or svc.host == host)
               and (binary is None or svc.binary == binary)]
    return Reply(200, {'services': out})


def _validate_update(call: Call, svc: Service) -> dict:
    body = call.body
    if not isinstance(body, dict):
        raise errors.bad_request('Malformed request body')
    extra = sorted(set(body) - {'status', 'disabled_reason', 'forced_down'})
    if extra:
        raise errors.bad_request(
            'Invalid input for field/attribute service. Additional '
            'properties are not allowed (%s unexpected)'
            % ', '.join(repr(k) for k in extra))
    status = body.get('status')
    if 'status' in body and status not in ('enabled', 'disabled'):
        raise errors.bad_request("Invalid input for field/attribute status. "
                                 "Value: %s. %r is not one of ['enabled', "
                                 "'disabled']" % (status, status))
    reason = body.get('disabled_reason')
    if 'disabled_reason' in body and (
            not isinstance(reason, str) or not 1 <= len(reason) <= 255):
        raise errors.bad_request('Invalid input for field/attribute '
                                 'disabled_reason. Value: %r.' % (reason,))
    if 'forced_down' in body and not isinstance(body['forced_down'], bool):
        raise errors.bad_request('Invalid input for field/attribute '
                                 'forced_down. Value: %r.'
                                 % (body['forced_down'],))
    # nova services API 2.53 update rules
    if 'disabled_reason' in body and status != 'disabled':
        raise errors.bad_request('Specifying a disabled reason is not '
                                 'supported unless disabling the service.')
    if 'status' not in body and 'forced_down' not in body:
        raise errors.bad_request("No updates were requested. Fields "
                                 "'status' or 'forced_down' should be "
                                 "specified.")
    if svc.binary != 'nova-compute':
        raise errors.bad_request('Updating a %s service is not supported. '
                                 'Only nova-compute services can be updated.'
                                 % svc.binary)
    return body


def update_service(sim, call: Call) -> Reply:
    _policy(call, 'os_compute_api:os-services:update')
    compute = sim.compute
    ident = call.params['service_id']
    try:
        uuid.UUID(ident)
    except ValueError:
        raise errors.bad_request('Invalid uuid %s' % ident)
    with compute.lock:
        svc = compute.services.get(ident)
        if svc is None:
            raise errors.not_found('Service %s could not be found.' % ident)
        body = _validate_update(call, svc)
        host = compute.hosts[svc.host]
        # A status change RPCs the compute (set_host_enabled) when it is
        # considered up; a dead compute that still counts as up makes the
        # API wait for the RPC timeout (services._update_compute_provider_
        # status).
        waits = ('status' in body and not body.get('forced_down')
                 and not host.alive and compute.service_is_up(svc))
    if waits:
        sim.clock.sleep(compute.timings.rpc_timeout)
    with compute.lock:
        if 'forced_down' in body:
            svc.forced_down = body['forced_down']
        if 'status' in body:
            svc.status = body['status']
            svc.disabled_reason = (body.get('disabled_reason')
                                   if svc.status == 'disabled' else None)
        index = _services(compute).index(svc) + 1
        return Reply(200, {'service': views.service(call, compute, svc,
                                                    index)})


# -- os-aggregates ----------------------------------------------------------


def list_aggregates(sim, call: Call) -> Reply:
    _policy(call, 'os_compute_api:os-aggregates:index')
    with sim.compute.lock:
        return Reply(200, {'aggregates': [
            views.aggregate(call, a)
            for a in sim.compute.aggregates.values()]})


def _aggregate(compute: Compute, call: Call):
    ident = call.params['aggregate_id']
    try:
        agg = compute.aggregates.get(int(ident))
    except ValueError:
        raise errors.bad_request('Invalid aggregate_id %s' % ident)
    if agg is None:
        raise errors.not_found('Aggregate %s could not be found.' % ident)
    return agg


def show_aggregate(sim, call: Call) -> Reply:
    _policy(call, 'os_compute_api:os-aggregates:show')
    with sim.compute.lock:
        agg = _aggregate(sim.compute, call)
        return Reply(200, {'aggregate': views.aggregate(call, agg)})


def aggregate_action(sim, call: Call) -> Reply:
    compute = sim.compute
    name = first_key(call.body)
    if name not in ('add_host', 'remove_host'):
        raise errors.bad_request('Invalid request body' if name is None
                                 else 'There is no such action: %s' % name)
    _policy(call, 'os_compute_api:os-aggregates:%s' % name)
    value = call.body[name]
    if (not isinstance(value, dict) or set(value) != {'host'}
            or not isinstance(value['host'], str)):
        raise errors.bad_request("Invalid input for field/attribute %s. "
                                 "Value: %s. 'host' is a required property"
                                 % (name, value))
    host = value['host']
    with compute.lock:
        agg = _aggregate(compute, call)
        if name == 'add_host':
            if host not in compute.hosts:
                # nova: ComputeHostNotFound -> 404
                raise errors.not_found('Compute host %s could not be found.'
                                       % host)
            if host in agg.hosts:
                # nova: AggregateHostExists -> 409
                raise errors.conflict('Aggregate %s already has host %s.'
                                      % (agg.id, host))
            agg.hosts.append(host)
        else:
            if host not in agg.hosts:
                # nova: AggregateHostNotFound -> 404
                raise errors.not_found('Aggregate %s has no host %s.'
                                       % (agg.id, host))
            agg.hosts.remove(host)
        agg.updated = sim.clock.now()
        return Reply(200, {'aggregate': views.aggregate(call, agg)})


# -- os-hypervisors ---------------------------------------------------------


def _hypervisors(sim, call: Call, detail: bool) -> Reply:
    _policy(call, 'os_compute_api:os-hypervisors:list%s'
            % ('-detail' if detail else ''))
    compute = sim.compute
    pattern = call.arg('hypervisor_hostname_pattern')
    with compute.lock:
        out = [views.hypervisor(call, compute, h, i, detail)
               for i, h in enumerate(compute.hosts.values(), 1)
               if pattern is None
               or fnmatch.fnmatchcase(h.node, '*%s*' % pattern)]
    if pattern is not None and not out:
        raise errors.not_found('Hypervisor with hostname pattern %s could '
                               'not be found.' % pattern)
    return Reply(200, {'hypervisors': out})


def list_hypervisors(sim, call: Call) -> Reply:
    return _hypervisors(sim, call, False)


def list_hypervisors_detail(sim, call: Call) -> Reply:
    return _hypervisors(sim, call, True)


def show_hypervisor(sim, call: Call) -> Reply:
    _policy(call, 'os_compute_api:os-hypervisors:show')
    compute = sim.compute
    ident = call.params['hypervisor_id']
    with compute.lock:
        for i, host in enumerate(compute.hosts.values(), 1):
            if ident in (host.hypervisor_id, str(i)):
                return Reply(200, {'hypervisor': views.hypervisor(
                    call, compute, host, i, True)})
    raise errors.not_found('Hypervisor %s could not be found.' % ident)


# -- os-migrations ----------------------------------------------------------

_MIGRATION_FILTERS = ('instance_uuid', 'status', 'migration_type',
                      'source_compute')


def list_migrations(sim, call: Call) -> Reply:
    _policy(call, 'os_compute_api:os-migrations:index')
    compute = sim.compute
    wanted = {k: call.arg(k) for k in _MIGRATION_FILTERS
              if call.arg(k) is not None}
    host = call.arg('host')
    with compute.lock:
        compute.settle()
        found = [m for m in compute.migrations
                 if all(getattr(m, k) == v for k, v in wanted.items())
                 and (host is None
                      or host in (m.source_compute, m.dest_compute))]
        # 2.59: newest first (created_at desc, id desc)
        found.sort(key=lambda m: (m.created, m.id), reverse=True)
        return Reply(200, {'migrations': [
            views.migration(call, m, sim.region) for m in found]})


ROUTES = [
    ('GET', '/os-migrations', 'compute.migration.list', list_migrations),
    ('GET', '/os-services', 'compute.service.list', list_services),
    ('PUT', '/os-services/{service_id}', 'compute.service.update',
     update_service),
    ('GET', '/os-aggregates', 'compute.aggregate.list', list_aggregates),
    ('GET', '/os-aggregates/{aggregate_id}', 'compute.aggregate.show',
     show_aggregate),
    ('POST', '/os-aggregates/{aggregate_id}/action',
     'compute.aggregate.action', aggregate_action),
    ('GET', '/os-hypervisors', 'compute.hypervisor.list', list_hypervisors),
    ('GET', '/os-hypervisors/detail', 'compute.hypervisor.list',
     list_hypervisors_detail),
    ('GET', '/os-hypervisors/{hypervisor_id}', 'compute.hypervisor.show',
     show_hypervisor),
]
