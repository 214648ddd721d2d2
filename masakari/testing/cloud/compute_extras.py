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

"""Flavor extra specs, image properties and server groups.

What the recovery policies read besides servers and hosts: the extra specs
shown inside a server's flavor (microversion 2.47 and later), the image
proxy ``GET /images/{id}`` (removed in 2.36, so callers pin 2.35) and
``GET /os-server-groups``. The scheduler consults :func:`group_allows`
(Nova's ServerGroup(Anti)AffinityFilter) and the evacuate action
:func:`unevacuable` (Nova refuses to evacuate a vTPM instance).
"""

from __future__ import annotations

import dataclasses
import uuid

from masakari.testing.cloud import errors
from masakari.testing.cloud.http import Call, Reply

# (where, key) marking an instance Nova cannot evacuate, and why.
UNEVACUABLE = (
    ('flavor', 'hw:tpm_version', 'vTPM instances cannot be evacuated'),
    ('image', 'hw_tpm_version', 'vTPM instances cannot be evacuated'),
)


@dataclasses.dataclass
class ServerGroup:
    id: str
    name: str
    policy: str                  # affinity | anti-affinity | soft-*
    project_id: str
    user_id: str
    members: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Extras:
    """The simulated cloud's flavor specs, images and server groups."""

    flavor_specs: dict[str, dict[str, str]] = dataclasses.field(
        default_factory=dict)
    images: dict[str, dict[str, str]] = dataclasses.field(
        default_factory=dict)
    groups: dict[str, ServerGroup] = dataclasses.field(default_factory=dict)

    def add_group(self, name: str, policy: str, members: list[str],
                  project_id: str = 'demo',
                  user_id: str = 'demo') -> ServerGroup:
        group = ServerGroup(str(uuid.uuid4()), name, policy, project_id,
                            user_id, list(members))
        self.groups[group.id] = group
        return group

    def group_of(self, server_id: str) -> ServerGroup | None:
        for group in self.groups.values():
            if server_id in group.members:
                return group
        return None


def unevacuable(extras: Extras, server) -> str | None:
    """Why Nova refuses to evacuate ``server``, or None."""
    props = {'flavor': server.flavor.get('extra_specs') or {},
             'image': extras.images.get(server.image_id) or {}}
    for where, key, reason in UNEVACUABLE:
        if props[where].get(key):
            return reason
    return None


def group_allows(compute, server, host_name: str) -> bool:
    """Nova's hard (anti-)affinity filters for moving ``server``."""
    group = compute.extras.group_of(server.id)
    if group is None:
        return True
    others = {compute.servers[m].host for m in group.members
              if m != server.id and m in compute.servers}
    if group.policy == 'anti-affinity':
        return host_name not in others
    if group.policy == 'affinity':
        # Members still on the failed host do not pin the group.
        live = {h for h in others if compute.host_is_up(h)}
        return not live or host_name in live
    return True


def show_image(sim, call: Call) -> Reply:
    if call.at_least('2.36'):
        # The image proxy API is gone from 2.36 on.
        raise errors.not_found('The resource could not be found.')
    image_id = call.params['image_id']
    props = sim.compute.extras.images.get(image_id)
    if props is None:
        raise errors.not_found('Image %s could not be found.' % image_id)
    return Reply(200, {'image': {
        'id': image_id, 'name': image_id, 'status': 'ACTIVE',
        'metadata': dict(props), 'minDisk': 0, 'minRam': 0,
        'progress': 100}})


def list_server_groups(sim, call: Call) -> Reply:
    compute = sim.compute
    every = call.is_admin and (call.arg('all_projects') or '').lower() in (
        '1', 'true', 'yes')
    project = call.token.project
    mine = project.id if project is not None else None
    with compute.lock:
        groups = [g for g in compute.extras.groups.values()
                  if every or g.project_id == mine]
        out = []
        for group in groups:
            view = {'id': group.id, 'name': group.name,
                    'members': list(group.members), 'metadata': {},
                    'project_id': group.project_id,
                    'user_id': group.user_id}
            if call.at_least('2.64'):
                view.update(policy=group.policy, rules={})
            else:
                view['policies'] = [group.policy]
            out.append(view)
    return Reply(200, {'server_groups': out})


ROUTES = [
    ('GET', '/images/{image_id}', 'compute.image.show', show_image),
    ('GET', '/os-server-groups', 'compute.server_group.list',
     list_server_groups),
]
