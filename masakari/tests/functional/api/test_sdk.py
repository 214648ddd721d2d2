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

"""openstacksdk's instance_ha proxy, plain and project-prefixed endpoints."""

import pytest
from keystoneauth1 import noauth
from keystoneauth1 import session
from openstack import connection
from openstack import exceptions

pytestmark = pytest.mark.functional

PROJECT = '0123456789abcdef0123456789abcdef'


def proxy(endpoint, project=None):
    headers = {'X-Project-Id': project} if project else {}
    sess = session.Session(auth=noauth.NoAuth(endpoint=endpoint),
                           additional_headers=headers)
    return connection.Connection(session=sess).instance_ha


@pytest.fixture(scope='module', params=['plain', 'project'])
def ha(request, api):
    if request.param == 'plain':
        return proxy(api.url + '/v1')
    return proxy(f'{api.url}/v1/{PROJECT}', PROJECT)


def test_segment_crud_and_pagination(ha):
    made = [ha.create_segment(name=f'sdk-{ha.get_endpoint()[-6:]}-{i}',
                              recovery_method='auto', service_type='COMPUTE')
            for i in range(3)]
    try:
        assert made[0].is_enabled is True
        got = ha.get_segment(made[0].uuid)
        assert got.name == made[0].name
        paged = [s.uuid for s in ha.segments(limit=1)]
        assert {m.uuid for m in made} <= set(paged)
        assert len(paged) == len(set(paged))
        updated = ha.update_segment(made[0].uuid, description='d',
                                    is_enabled=False)
        assert updated.description == 'd'
        assert ha.get_segment(made[0].uuid).is_enabled is False
        with pytest.raises(exceptions.ConflictException):
            ha.create_segment(name=made[1].name, recovery_method='auto',
                              service_type='COMPUTE')
        with pytest.raises(exceptions.BadRequestException):
            ha.create_segment(name='x', recovery_method='nope',
                              service_type='COMPUTE')
    finally:
        for seg in made:
            ha.delete_segment(seg.uuid)
    with pytest.raises(exceptions.NotFoundException):
        ha.get_segment(made[0].uuid)


def test_hosts_and_notifications(ha):
    suffix = 'p' if '/v1/' in ha.get_endpoint() else 'n'
    seg = ha.create_segment(name=f'sdk-hosts-{suffix}',
                            recovery_method='auto', service_type='COMPUTE')
    host_name = 'compute3' if suffix == 'n' else 'compute4'
    try:
        host = ha.create_host(seg.uuid, name=host_name, type='COMPUTE',
                              control_attributes='SSH', reserved='True')
        assert host.reserved is True
        assert [h.name for h in ha.hosts(seg.uuid, reserved='True')] == \
            [host_name]
        assert list(ha.hosts(seg.uuid, on_maintenance='True')) == []
        host = ha.update_host(host.uuid, seg.uuid, on_maintenance=True)
        assert host.on_maintenance is True
        with pytest.raises(exceptions.ConflictException):
            ha.create_notification(
                type='PROCESS', hostname=host_name,
                generated_time='2026-11-22T01:00:00',
                payload={'event': 'STOPPED', 'process_name': 'nova-compute'})
        ha.update_host(host.uuid, seg.uuid, on_maintenance=False)
        note = ha.create_notification(
            type='PROCESS', hostname=host_name,
            generated_time='2026-11-22T01:00:00',
            payload={'event': 'STOPPED', 'process_name': 'nova-compute'})
        assert note.status == 'new'
        got = ha.get_notification(note.notification_uuid)
        assert got.source_host_uuid == host.uuid
        listed = [n.notification_uuid for n in
                  ha.notifications(source_host_uuid=host.uuid)]
        assert listed == [note.notification_uuid]
        with pytest.raises(exceptions.BadRequestException):
            list(ha.vmoves(note.notification_uuid))
        with pytest.raises(exceptions.BadRequestException):
            ha.create_notification(type='VM', hostname='unknown-host',
                                   generated_time='2026-11-22T01:00:00',
                                   payload={})
    finally:
        for h in ha.hosts(seg.uuid):
            try:
                ha.delete_host(h.uuid, seg.uuid)
            except exceptions.ConflictException:
                pass
        try:
            ha.delete_segment(seg.uuid)
        except exceptions.ConflictException:
            pass


def test_version_discovery(api):
    import json
    import urllib.request
    with urllib.request.urlopen(api.url + '/v1') as resp:
        doc = json.load(resp)['version']
    assert (doc['min_version'], doc['version']) == ('1.0', '1.3')
    req = urllib.request.Request(f'{api.url}/v1/{PROJECT}')
    try:
        urllib.request.urlopen(req)
    except urllib.error.HTTPError as exc:
        assert exc.code == 404
