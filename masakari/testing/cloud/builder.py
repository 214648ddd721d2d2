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

"""Build a cloud from a description (a dict, or a YAML/JSON file).

Example (YAML)::

    hosts:
      - {name: compute1, vcpus: 16, memory_mb: 65536}
      - {prefix: compute, count: 3}            # compute-0001..0003
    servers:
      - {host: compute1, name: vm1, metadata: {HA_Enabled: "True"}}
      - {host: compute1, count: 5, vm_state: stopped}
    aggregates:
      - {name: rack1, hosts: [compute1, compute-0001]}
    endpoints:
      - {type: instance-ha, name: masakari, url: "http://127.0.0.1:15868/v1"}
    users:
      - {name: alice, password: secret, project: demo, roles: [member]}

Top-level ``timings``, ``scale``, ``region``, ``max_version``,
``admin_password`` are read by :func:`simulator_options`.
"""

from __future__ import annotations

import json
from typing import Any

from masakari.testing.cloud.compute_model import Timings

_HOST_KEYS = {'name', 'prefix', 'count', 'node', 'zone', 'vcpus',
              'memory_mb', 'local_gb', 'cpu_allocation_ratio',
              'ram_allocation_ratio', 'host_ip', 'alive'}
_SERVER_KEYS = {'host', 'name', 'count', 'project', 'flavor', 'vm_state',
                'task_state', 'power_state', 'metadata', 'locked', 'id'}
_TOP_KEYS = {'hosts', 'servers', 'aggregates', 'endpoints', 'users',
             'timings', 'scale', 'region', 'max_version', 'admin_password',
             'demo_password', 'case_sensitive_names'}
_OPTION_KEYS = ('region', 'max_version', 'admin_password', 'demo_password',
                'case_sensitive_names')


class SpecError(ValueError):
    """The cloud description is invalid (message says where)."""


def load(path: str) -> dict:
    """Read a YAML or JSON description file."""
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    try:
        if path.endswith('.json'):
            data = json.loads(text)
        else:
            import yaml
            data = yaml.safe_load(text)
    except ValueError as exc:
        raise SpecError('%s: %s' % (path, exc))
    except Exception as exc:   # yaml.YAMLError and friends
        raise SpecError('%s: %s' % (path, exc))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SpecError('%s: the top level must be a mapping' % path)
    return data


def _items(spec: dict, key: str) -> list[dict]:
    items = spec.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict)
                                              for i in items):
        raise SpecError('%s must be a list of mappings' % key)
    return items


def _check_keys(where: str, item: dict, allowed: set) -> None:
    extra = sorted(set(item) - allowed)
    if extra:
        raise SpecError('%s: unknown key(s) %s' % (where, ', '.join(extra)))


def simulator_options(spec: dict) -> dict[str, Any]:
    """CloudSimulator constructor kwargs found in the description."""
    _check_keys('top level', spec, _TOP_KEYS)
    options: dict[str, Any] = {k: spec[k] for k in _OPTION_KEYS if k in spec}
    if 'timings' in spec:
        if not isinstance(spec['timings'], dict):
            raise SpecError('timings must be a mapping')
        try:
            options['timings'] = Timings(**spec['timings'])
        except (TypeError, ValueError) as exc:
            raise SpecError('timings: %s' % exc)
    if 'scale' in spec:
        options['scale'] = spec['scale']
    return options


def build(cloud, spec: dict) -> dict[str, int]:
    """Create hosts, servers, aggregates, users and endpoints; counts."""
    _check_keys('top level', spec, _TOP_KEYS)
    counts = {'hosts': 0, 'servers': 0, 'aggregates': 0}
    try:
        for n, item in enumerate(_items(spec, 'hosts')):
            _check_keys('hosts[%d]' % n, item, _HOST_KEYS)
            counts['hosts'] += _build_hosts(cloud, item)
        for n, item in enumerate(_items(spec, 'servers')):
            _check_keys('servers[%d]' % n, item, _SERVER_KEYS)
            counts['servers'] += _build_servers(cloud, item)
        for n, item in enumerate(_items(spec, 'aggregates')):
            _check_keys('aggregates[%d]' % n, item,
                        {'name', 'hosts', 'availability_zone', 'metadata'})
            cloud.add_aggregate(item['name'], item.get('hosts', ()),
                                item.get('availability_zone'),
                                item.get('metadata'))
            counts['aggregates'] += 1
        for n, item in enumerate(_items(spec, 'endpoints')):
            _check_keys('endpoints[%d]' % n, item, {'type', 'name', 'url'})
            cloud.add_endpoint(item['type'], item['name'], item['url'])
        for n, item in enumerate(_items(spec, 'users')):
            _check_keys('users[%d]' % n, item,
                        {'name', 'password', 'project', 'roles'})
            cloud.add_user(item['name'], str(item['password']),
                           item['project'],
                           tuple(item.get('roles', ('member', 'reader'))))
    except KeyError as exc:
        raise SpecError('missing required key %s' % exc)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, SpecError):
            raise
        raise SpecError(str(exc))
    return counts


def _build_hosts(cloud, item: dict) -> int:
    item = dict(item)
    alive = item.pop('alive', True)
    count = item.pop('count', None)
    prefix = item.pop('prefix', None)
    if count is not None:
        names = ['%s-%04d' % (prefix or 'compute', i)
                 for i in range(1, int(count) + 1)]
        item.pop('name', None)
        item.pop('node', None)
    else:
        names = [item.pop('name')]
    for name in names:
        cloud.add_host(name, **item)
        if not alive:
            cloud.kill_host(name)
    return len(names)


def _build_servers(cloud, item: dict) -> int:
    item = dict(item)
    count = int(item.pop('count', 1))
    host = item.pop('host')
    name = item.pop('name', None)
    project = item.pop('project', None)
    if 'id' in item:
        if count != 1:
            raise SpecError('servers: "id" cannot be combined with "count"')
        item['server_id'] = item.pop('id')
    for i in range(count):
        label = name if count == 1 or name is None else '%s-%d' % (name, i)
        cloud.add_server(host, label, project, **item)
    return count
