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

"""Nova servers: listing, show and the actions masakari uses."""

from __future__ import annotations

import datetime
import re
from typing import Any, Callable

from masakari.testing.cloud import compute_extras
from masakari.testing.cloud import compute_views as views
from masakari.testing.cloud import errors
from masakari.testing.cloud.compute_model import Compute
from masakari.testing.cloud.compute_records import Server
from masakari.testing.cloud.http import Call, Reply, first_key

MAX_LIMIT = 1000   # nova [api] max_limit
_LIMIT_RE = re.compile(r'^[0-9]*$')
_TRUE = ('1', 't', 'true', 'on', 'y', 'yes')
_FALSE = ('0', 'f', 'false', 'off', 'n', 'no')


def _policy(call: Call, rule: str) -> None:
    if not call.is_admin:
        raise errors.forbidden_policy(rule)


def _visible(call: Call, server: Server) -> bool:
    return call.is_admin or (call.token.project is not None
                             and server.project_id == call.token.project.id)


def get_server(compute: Compute, call: Call) -> Server:
    server = compute.servers.get(call.params['server_id'])
    if server is None or not _visible(call, server):
        raise errors.not_found('Instance %s could not be found.'
                               % call.params['server_id'])
    return server


def _all_tenants(call: Call) -> bool:
    # nova.api.openstack.common.is_all_tenants: present and empty is true,
    # otherwise a strict boolean string.
    if 'all_tenants' not in call.query:
        return False
    value = (call.arg('all_tenants') or '').strip().lower()
    if value in ('',) + _TRUE:
        return True
    if value in _FALSE:
        return False
    raise errors.bad_request("Invalid value '%s', must be one of: 1, 0, t, f,"
                             " true, false, on, off, y, n, yes, no"
                             % call.arg('all_tenants'))


def _limit(call: Call) -> int:
    raw = call.arg('limit')
    if raw is None:
        return MAX_LIMIT
    if not _LIMIT_RE.match(raw) or raw == '':
        raise errors.bad_request(
            "Invalid input for query parameters limit. Value: %s. '%s' does "
            "not match '^[0-9]*$'" % (raw, raw))
    # nova.api.openstack.common.get_limit_and_marker: 0 or > max -> max
    return min(int(raw), MAX_LIMIT) or MAX_LIMIT


_ADMIN_EXACT = {'uuid': 'id', 'vm_state': 'vm_state',
                'task_state': 'task_state'}


def _changes_since(call: Call) -> float | None:
    raw = call.arg('changes-since')
    if raw is None:
        return None
    try:
        when = datetime.datetime.fromisoformat(raw.replace('Z', '+00:00'))
    except ValueError:
        raise errors.bad_request("Invalid input for query parameters "
                                 "changes-since. Value: %s. '%s' is not a "
                                 "'date-time'" % (raw, raw))
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when.timestamp()


def _candidates(compute: Compute, call: Call) -> list[Server]:
    """Servers visible to the caller after filters, newest first."""
    all_tenants = _all_tenants(call)
    if all_tenants:
        _policy(call, 'os_compute_api:servers:detail:get_all_tenants')
    host = call.arg('host') if call.is_admin else None   # admin-only filter
    node = call.arg('node') if call.is_admin else None
    if host is not None:
        found = compute.hosts.get(host)
        pool = list(found.servers.values()) if found else []
    else:
        pool = list(compute.servers.values())
    project = None
    if all_tenants:
        project = call.arg('project_id') or call.arg('tenant_id')
    elif call.token.project is not None:
        project = call.token.project.id
    status = call.arg('status')
    allowed = views.vm_states_for_status(status) if status else None
    name = call.arg('name')
    try:
        name_re = re.compile(name) if name else None
    except re.error:
        raise errors.bad_request('Invalid regular expression for name: %s'
                                 % name)
    since = _changes_since(call)
    # admins may filter on any instance column; these are modelled
    exact = {attr: call.arg(param) for param, attr in _ADMIN_EXACT.items()
             if call.is_admin and call.arg(param) is not None}
    out = []
    for server in pool:
        if project is not None and server.project_id != project:
            continue
        if not all_tenants and call.token.project is None:
            continue
        if node is not None and server.node != node:
            continue
        if allowed is not None and not any(
                server.vm_state == vm and (task is None
                                           or server.task_state == task)
                for vm, task in allowed):
            continue
        if name_re is not None and not name_re.search(server.name):
            continue
        if since is not None and server.updated < since:
            continue
        if any(getattr(server, attr) != value
               for attr, value in exact.items()):
            continue
        out.append(server)
    # Nova's default sort: created_at desc, then id desc
    out.sort(key=lambda s: (s.created, s.seq), reverse=True)
    return out


def _page(compute: Compute, call: Call,
          render: Callable[[Server], dict], path: str) -> Reply:
    with compute.lock:
        compute.settle()
        servers = _candidates(compute, call)
        limit = _limit(call)
        marker = call.arg('marker')
        if marker is not None:
            index = next((i for i, s in enumerate(servers) if s.id == marker),
                         None)
            if index is None:
                raise errors.bad_request('marker [%s] not found' % marker)
            servers = servers[index + 1:]
        page = servers[:limit]
        body: dict[str, Any] = {'servers': [render(s) for s in page]}
    if page and len(page) == limit:
        # nova ViewBuilder._get_collection_links: full page -> next link
        query = '&'.join('%s=%s' % (k, v) for k, vals in call.query.items()
                         for v in vals if k not in ('limit', 'marker'))
        query = (query + '&' if query else '') + 'limit=%d&marker=%s' % (
            limit, page[-1].id)
        body['servers_links'] = [{'rel': 'next', 'href': '%s/compute/v2.1%s?%s'
                                  % (call.host_url, path, query)}]
    return Reply(200, body)


def list_brief(sim, call: Call) -> Reply:
    return _page(sim.compute, call, lambda s: views.server_brief(call, s),
                 '/servers')


def list_detail(sim, call: Call) -> Reply:
    compute = sim.compute
    return _page(compute, call,
                 lambda s: views.server_detail(call, compute, s),
                 '/servers/detail')


def show(sim, call: Call) -> Reply:
    compute = sim.compute
    with compute.lock:
        compute.settle()
        server = get_server(compute, call)
        return Reply(200, {'server': views.server_detail(
            call, compute, server)})


def show_metadata(sim, call: Call) -> Reply:
    compute = sim.compute
    with compute.lock:
        server = get_server(compute, call)
        return Reply(200, {'metadata': dict(server.metadata)})


# -- actions --------------------------------------------------------------


def _require_state(server: Server, action: str, vm_states: tuple) -> None:
    # nova.compute.api.check_instance_state(vm_state=..., task_state=[None])
    if server.vm_state not in vm_states:
        raise errors.invalid_state(action, server.id, 'vm_state',
                                   server.vm_state)
    if server.task_state is not None:
        raise errors.invalid_state(action, server.id, 'task_state',
                                   server.task_state)


def _check_lock(call: Call, server: Server) -> None:
    # nova.compute.api.check_instance_lock: locked refuses non-admins
    if server.locked and not call.is_admin:
        raise errors.conflict('Instance %s is locked' % server.id)


def _extra_keys(name: str, value: dict, allowed: tuple) -> None:
    extra = sorted(k for k in value if k not in allowed)
    if extra:
        raise errors.bad_request(
            'Invalid input for field/attribute %s. Value: %s. Additional '
            'properties are not allowed (%s %s unexpected)'
            % (name, value, ', '.join(repr(k) for k in extra),
               'was' if len(extra) == 1 else 'were'))


def _null_body(name: str, value: Any) -> None:
    if value is not None and value != {}:
        raise errors.bad_request('Invalid input for field/attribute %s. '
                                 'Value: %s. %r is not of type \'null\''
                                 % (name, value, value))


def evacuate(sim, call: Call, server: Server, body: Any) -> Reply:
    compute: Compute = sim.compute
    _policy(call, 'os_compute_api:os-evacuate')
    if not isinstance(body, dict):
        raise errors.bad_request('Invalid input for field/attribute evacuate.'
                                 " Value: %s. %r is not of type 'object'"
                                 % (body, body))
    allowed = ['host', 'adminPass']
    if not call.at_least('2.14'):
        allowed.append('onSharedStorage')
    if call.at_least('2.29') and not call.at_least('2.68'):
        allowed.append('force')   # removed again in 2.68
    _extra_keys('evacuate', body, tuple(allowed))
    if not call.at_least('2.14') and 'onSharedStorage' not in body:
        raise errors.bad_request("Invalid input for field/attribute evacuate."
                                 " Value: %s. 'onSharedStorage' is a required"
                                 " property" % body)
    host = body.get('host')
    if host is not None and (not isinstance(host, str) or not host):
        raise errors.bad_request('Invalid input for field/attribute host. '
                                 'Value: %r.' % (host,))
    force = body.get('force', False)
    if not isinstance(force, bool):
        raise errors.bad_request('Invalid input for field/attribute force. '
                                 "Value: %r. %r is not of type 'boolean'"
                                 % (force, force))
    if host is not None and not call.at_least('2.29'):
        force = True       # before 2.29 a named host bypassed the scheduler
    if force and not host:
        raise errors.bad_request("Can't force to a non-provided destination")
    if host is not None and host not in compute.hosts:
        # nova evacuate API: service_get_by_compute_host -> HTTPNotFound
        raise errors.not_found('Compute host %s not found.' % host)
    if host is not None and host == server.host:
        # nova evacuate API: same host -> HTTPBadRequest
        raise errors.bad_request("The target host can't be the same one.")
    # nova.compute.api.API.evacuate allowed states
    _require_state(server, 'evacuate', ('active', 'stopped', 'error'))
    refused = compute_extras.unevacuable(compute.extras, server)
    if refused is not None:
        # nova: OperationNotSupportedForVTPM -> HTTPConflict
        raise errors.conflict(refused)
    if compute.host_is_up(server.host):
        # nova.compute.api.API.evacuate: ComputeServiceInUse -> 400
        raise errors.bad_request('Compute service of %s is still in use.'
                                 % server.host)
    # microversion 2.95: evacuated servers end stopped; before, a stopped
    # server stays stopped and anything else comes back active.
    stopped = call.at_least('2.95') or server.vm_state == 'stopped'
    compute.evacuate(server, host, force, 'stopped' if stopped else 'active')
    if not call.at_least('2.14'):
        return Reply(200, {'adminPass': body.get('adminPass') or 'Pa55w0rd'})
    return Reply(200)


def stop(sim, call: Call, server: Server, body: Any) -> Reply:
    _null_body('os-stop', body)
    _check_lock(call, server)
    # nova.compute.api.API.stop: vm_state active or error, no task
    _require_state(server, 'stop', ('active', 'error'))
    sim.compute.stop(server)
    return Reply(202)


def start(sim, call: Call, server: Server, body: Any) -> Reply:
    _null_body('os-start', body)
    _check_lock(call, server)
    # nova.compute.api.API.start: vm_state stopped, no task
    _require_state(server, 'start', ('stopped',))
    sim.compute.start(server)
    return Reply(202)


def lock(sim, call: Call, server: Server, body: Any) -> Reply:
    reason = None
    if isinstance(body, dict) and body:
        if not call.at_least('2.73'):
            _extra_keys('lock', body, ())
        _extra_keys('lock', body, ('locked_reason',))
        reason = body.get('locked_reason')
    elif body not in (None, {}):
        _null_body('lock', body)
    # nova.compute.api.API.lock records who locked (owner or admin)
    server.locked = True
    server.locked_by = 'admin' if call.is_admin else 'owner'
    server.locked_reason = reason
    server.updated = sim.clock.now()
    return Reply(202)


def unlock(sim, call: Call, server: Server, body: Any) -> Reply:
    _null_body('unlock', body)
    if server.locked and server.locked_by == 'admin' and not call.is_admin:
        # os-lock-server:unlock:unlock_override is admin-only
        raise errors.forbidden_policy(
            'os_compute_api:os-lock-server:unlock:unlock_override')
    server.locked, server.locked_by, server.locked_reason = False, None, None
    server.updated = sim.clock.now()
    return Reply(202)


def reset_state(sim, call: Call, server: Server, body: Any) -> Reply:
    _policy(call, 'os_compute_api:os-admin-actions:reset_state')
    if not isinstance(body, dict):
        raise errors.bad_request("Invalid input for field/attribute "
                                 "os-resetState. Value: %s. %r is not of type"
                                 " 'object'" % (body, body))
    _extra_keys('os-resetState', body, ('state',))
    state = body.get('state')
    if state not in ('active', 'error'):
        raise errors.bad_request("Invalid input for field/attribute state. "
                                 "Value: %s. %r is not one of ['active', "
                                 "'error']" % (state, state))
    sim.compute.reset_state(server, state)
    return Reply(202)


ACTIONS: dict[str, Callable[..., Reply]] = {
    'evacuate': evacuate,
    'os-stop': stop,
    'os-start': start,
    'lock': lock,
    'unlock': unlock,
    'os-resetState': reset_state,
}


def action(sim, call: Call) -> Reply:
    compute = sim.compute
    name = first_key(call.body)
    if not isinstance(call.body, dict) or name is None:
        raise errors.bad_request('Malformed request body')
    handler = ACTIONS.get(name)
    with compute.lock:
        compute.settle()
        server = get_server(compute, call)
        if handler is None:
            raise errors.bad_request('There is no such action: %s' % name)
        return handler(sim, call, server, call.body[name])


ROUTES = [
    ('GET', '/servers', 'compute.server.list', list_brief),
    ('GET', '/servers/detail', 'compute.server.list', list_detail),
    ('GET', '/servers/{server_id}', 'compute.server.show', show),
    ('GET', '/servers/{server_id}/metadata', 'compute.server.metadata',
     show_metadata),
    ('POST', '/servers/{server_id}/action', 'compute.server.action', action),
]
