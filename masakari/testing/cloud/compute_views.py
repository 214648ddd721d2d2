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

"""JSON views of Nova resources, with their microversion-dependent fields."""

from __future__ import annotations

import hashlib

from masakari.testing.cloud.clock import to_datetime
from masakari.testing.cloud.compute_model import Compute
from masakari.testing.cloud.compute_records import (Aggregate, Host,
                                                    Migration, Server, Service)
from masakari.testing.cloud.http import Call


def iso_z(seconds: float | None) -> str | None:
    """Nova's server timestamps: ``2026-01-02T03:04:05Z``."""
    if seconds is None:
        return None
    return to_datetime(seconds).strftime('%Y-%m-%dT%H:%M:%SZ')


def iso_us(seconds: float | None) -> str | None:
    """Nova's DB timestamps: ``2026-01-02T03:04:05.000000``."""
    if seconds is None:
        return None
    return to_datetime(seconds).strftime('%Y-%m-%dT%H:%M:%S.%f')


# nova.api.openstack.common._STATE_MAP: vm_state -> {task_state: status}
_STATE_MAP = {
    'active': {'default': 'ACTIVE', 'rebooting': 'REBOOT',
               'reboot_pending': 'REBOOT', 'reboot_started': 'REBOOT',
               'rebooting_hard': 'HARD_REBOOT',
               'rebuilding': 'REBUILD',
               'rebuild_block_device_mapping': 'REBUILD',
               'rebuild_spawning': 'REBUILD', 'migrating': 'MIGRATING',
               'resize_prep': 'RESIZE', 'resize_migrating': 'RESIZE',
               'resize_migrated': 'RESIZE', 'resize_finish': 'RESIZE'},
    'building': {'default': 'BUILD'},
    'stopped': {'default': 'SHUTOFF', 'resize_prep': 'RESIZE',
                'rebuilding': 'REBUILD',
                'rebuild_block_device_mapping': 'REBUILD',
                'rebuild_spawning': 'REBUILD'},
    'resized': {'default': 'VERIFY_RESIZE',
                'resize_reverting': 'REVERT_RESIZE'},
    'paused': {'default': 'PAUSED', 'migrating': 'MIGRATING'},
    'suspended': {'default': 'SUSPENDED'},
    'rescued': {'default': 'RESCUE'},
    'error': {'default': 'ERROR', 'rebuilding': 'REBUILD',
              'rebuild_block_device_mapping': 'REBUILD',
              'rebuild_spawning': 'REBUILD'},
    'deleted': {'default': 'DELETED'},
    'soft-delete': {'default': 'SOFT_DELETED'},
    'shelved': {'default': 'SHELVED'},
    'shelved_offloaded': {'default': 'SHELVED_OFFLOADED'},
}

# nova.api.openstack.compute.views.servers: progress shown for these
_PROGRESS_STATUSES = ('ACTIVE', 'BUILD', 'REBUILD', 'RESIZE',
                      'VERIFY_RESIZE', 'MIGRATING')


def status_of(vm_state: str, task_state: str | None) -> str:
    states = _STATE_MAP.get(vm_state, {'default': 'UNKNOWN'})
    return states.get(task_state or 'default', states['default'])


def vm_states_for_status(status: str) -> list[tuple[str, str | None]]:
    """(vm_state, task_state or None=any) pairs showing ``status``."""
    pairs = []
    for vm_state, tasks in _STATE_MAP.items():
        for task, shown in tasks.items():
            if shown == status.upper():
                pairs.append((vm_state, None if task == 'default' else task))
    return pairs


def _links(call: Call, kind: str, ident) -> list[dict]:
    base = '%s/compute' % call.host_url
    return [{'rel': 'self', 'href': '%s/v2.1/%s/%s' % (base, kind, ident)},
            {'rel': 'bookmark', 'href': '%s/%s/%s' % (base, kind, ident)}]


def server_brief(call: Call, server: Server) -> dict:
    return {'id': server.id, 'name': server.name,
            'links': _links(call, 'servers', server.id)}


def server_detail(call: Call, compute: Compute, server: Server) -> dict:
    status = status_of(server.vm_state, server.task_state)
    host_id = (hashlib.sha224((server.project_id + server.host).encode())
               .hexdigest() if server.host else '')
    view = {
        'id': server.id, 'name': server.name, 'status': status,
        'tenant_id': server.project_id, 'user_id': server.user_id,
        'metadata': dict(server.metadata), 'hostId': host_id,
        'image': {'id': server.image_id,
                  'links': [{'rel': 'bookmark', 'href': '%s/compute/images/%s'
                             % (call.host_url, server.image_id)}]},
        'created': iso_z(server.created), 'updated': iso_z(server.updated),
        'addresses': {}, 'accessIPv4': '', 'accessIPv6': '',
        'links': _links(call, 'servers', server.id),
        'OS-DCF:diskConfig': 'MANUAL',
        'OS-EXT-AZ:availability_zone': server.availability_zone,
        'config_drive': '', 'key_name': None,
        'OS-SRV-USG:launched_at': iso_us(server.launched_at),
        'OS-SRV-USG:terminated_at': None,
        'OS-EXT-STS:task_state': server.task_state,
        'OS-EXT-STS:vm_state': server.vm_state,
        'OS-EXT-STS:power_state': server.power_state,
        'os-extended-volumes:volumes_attached': [],
        'security_groups': [{'name': 'default'}],
    }
    if status in _PROGRESS_STATUSES:
        view['progress'] = 0
    if call.at_least('2.47'):
        view['flavor'] = {'vcpus': server.flavor['vcpus'],
                          'ram': server.flavor['ram'],
                          'disk': server.flavor['disk'], 'ephemeral': 0,
                          'swap': 0, 'original_name': server.flavor_name,
                          'extra_specs': dict(
                              server.flavor.get('extra_specs') or {})}
    else:
        view['flavor'] = {'id': server.flavor_name,
                          'links': _links(call, 'flavors', server.flavor_name)}
    if call.is_admin:
        # os_compute_api:os-extended-server-attributes is admin-only
        view['OS-EXT-SRV-ATTR:host'] = server.host
        view['OS-EXT-SRV-ATTR:hypervisor_hostname'] = server.node
        view['OS-EXT-SRV-ATTR:instance_name'] = 'instance-%08x' % server.seq
        if call.at_least('2.3'):
            view.update({'OS-EXT-SRV-ATTR:reservation_id': 'r-%08x'
                         % server.seq, 'OS-EXT-SRV-ATTR:launch_index': 0,
                         'OS-EXT-SRV-ATTR:kernel_id': '',
                         'OS-EXT-SRV-ATTR:ramdisk_id': '',
                         'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
                         'OS-EXT-SRV-ATTR:user_data': None})
    if call.at_least('2.3') and (call.is_admin or call.at_least('2.90')):
        view['OS-EXT-SRV-ATTR:hostname'] = server.name
    if call.at_least('2.9'):
        view['locked'] = server.locked
    if call.at_least('2.16') and call.is_admin:
        view['host_status'] = compute.host_status(server)
    if call.at_least('2.19'):
        view['description'] = None
    if call.at_least('2.26'):
        view['tags'] = []
    if call.at_least('2.63'):
        view['trusted_image_certificates'] = None
    if call.at_least('2.73'):
        view['locked_reason'] = server.locked_reason
    if call.at_least('2.96'):
        view['pinned_availability_zone'] = None
    if server.fault and status in ('ERROR', 'DELETED'):
        fault = {'code': server.fault['code'],
                 'message': server.fault['message'],
                 'created': iso_z(server.fault['created'])}
        if call.is_admin:
            fault['details'] = server.fault['details']
        view['fault'] = fault
    return view


def service(call: Call, compute: Compute, svc: Service, index: int) -> dict:
    view = {'id': svc.id if call.at_least('2.53') else index,
            'binary': svc.binary, 'host': svc.host, 'zone': svc.zone,
            'status': svc.status, 'disabled_reason': svc.disabled_reason,
            'state': 'up' if compute.service_is_up(svc) else 'down',
            'updated_at': iso_us(compute.service_updated_at(svc))}
    if call.at_least('2.11'):
        view['forced_down'] = svc.forced_down
    return view


def aggregate(call: Call, agg: Aggregate) -> dict:
    view = {'id': agg.id, 'name': agg.name,
            'availability_zone': agg.availability_zone,
            'hosts': list(agg.hosts), 'metadata': dict(agg.metadata),
            'created_at': iso_us(agg.created),
            'updated_at': iso_us(agg.updated),
            'deleted_at': None, 'deleted': False}
    if call.at_least('2.41'):
        view['uuid'] = agg.uuid
    return view


def hypervisor(call: Call, compute: Compute, host: Host, index: int,
               detail: bool) -> dict:
    svc = host.service
    view = {'id': host.hypervisor_id if call.at_least('2.53') else index,
            'hypervisor_hostname': host.node,
            'state': 'up' if compute.service_is_up(svc) else 'down',
            'status': svc.status}
    if not detail:
        return view
    view.update({
        'hypervisor_type': 'fake', 'hypervisor_version': 1000,
        'host_ip': host.host_ip,
        'service': {'host': host.name,
                    'id': svc.id if call.at_least('2.53') else index,
                    'disabled_reason': svc.disabled_reason},
    })
    if not call.at_least('2.88'):
        # microversion 2.88 removed the resource statistics
        used = compute.usage(host)
        view.update({
            'vcpus': host.vcpus, 'memory_mb': host.memory_mb,
            'local_gb': host.local_gb, 'vcpus_used': used['vcpus'],
            'memory_mb_used': used['ram'], 'local_gb_used': used['disk'],
            'free_ram_mb': host.memory_mb - used['ram'],
            'free_disk_gb': host.local_gb - used['disk'],
            'current_workload': 0, 'running_vms': used['running'],
            'disk_available_least': host.local_gb - used['disk'],
            'cpu_info': '{"arch": "x86_64", "model": "Nehalem", '
                        '"vendor": "Intel", "topology": {"cores": 1, '
                        '"threads": 1, "sockets": %d}}' % host.vcpus,
        })
    else:
        view['uptime'] = None
    return view


def migration(call: Call, mig: Migration, region: str) -> dict:
    view = {'id': mig.id, 'instance_uuid': mig.instance_uuid,
            'source_compute': mig.source_compute,
            'source_node': mig.source_node,
            'dest_compute': mig.dest_compute, 'dest_node': mig.dest_node,
            'dest_host': None, 'status': mig.status,
            'source_region': region, 'dest_region': region,
            'old_instance_type_id': 1, 'new_instance_type_id': 1,
            'created_at': iso_us(mig.created),
            'updated_at': iso_us(mig.updated)}
    if call.at_least('2.23'):
        view['migration_type'] = mig.migration_type
    if call.at_least('2.59'):
        view['uuid'] = mig.uuid
    if call.at_least('2.80'):
        view['project_id'] = mig.project_id
        view['user_id'] = mig.user_id
    return view
