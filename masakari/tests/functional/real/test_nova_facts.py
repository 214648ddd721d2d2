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

"""What real Nova does with an evacuation, by microversion, and what
masakari's Nova client asks for because of it.

From microversion 2.95 on, Nova leaves every evacuated server stopped.
masakari-engine evacuates at 2.53, so a server that was running before
the failure is running again afterwards (the host failure test checks
that end to end).
"""

import pytest

from masakari.compute import session as nova_session
from masakari.testing import openstack_bed as ob

pytestmark = pytest.mark.functional


def version_tuple(text):
    major, minor = text.split('.')
    return int(major), int(minor)


def test_engine_microversion_keeps_active_servers_active():
    assert version_tuple(nova_session.NOVA_MICROVERSION) < (2, 95)


@pytest.fixture
def dead_host(bed, nova):
    host = bed.hosts[-1]
    ids = nova.boot(host, 2, prefix='fact')
    try:
        nova.wait_servers(ids, ob.is_active, 300, 'boot')
        bed.kill_compute(host)
        # Nova only evacuates from a host it believes down.
        nova.update_service(host, {'forced_down': True})
        yield host, ids
    finally:
        nova.delete_servers(ids)
        nova.restore_host(host)


def test_evacuation_state_depends_on_microversion(nova, dead_host):
    host, (old, new) = dead_host
    nova.call('POST', f'/servers/{old}/action', {'evacuate': {}},
              version='2.53')
    nova.call('POST', f'/servers/{new}/action', {'evacuate': {}},
              version='2.95')
    now = nova.wait_servers(
        [old, new], lambda s: ob.host_of(s) != host
        and not s.get('OS-EXT-STS:task_state')
        and s['status'] in ('ACTIVE', 'SHUTOFF', 'ERROR'), 300,
        'evacuations')
    assert now[old]['status'] == 'ACTIVE', now[old]
    assert now[new]['status'] == 'SHUTOFF', now[new]
    for server_id in (old, new):
        moves = nova.evacuations(server_id)
        assert [(m['status'], m['source_compute']) for m in moves] == [
            ('done', host)], moves
