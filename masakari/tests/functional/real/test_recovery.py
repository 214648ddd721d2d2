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

"""Recoveries by masakari-api + masakari-engine against a real Nova."""

import time

import pytest

from masakari.testing import openstack_bed as ob
from masakari.tests.functional.engine import harness

pytestmark = pytest.mark.functional
BOOT_TIMEOUT = 300
RECOVERY_TIMEOUT = 400


def notify(masakari, kind, host, payload):
    note = masakari.call('POST', '/notifications', {'notification': {
        'type': kind, 'hostname': host, 'payload': payload,
        'generated_time': time.strftime('%Y-%m-%dT%H:%M:%S',
                                        time.gmtime())}})
    return note['notification']['notification_uuid']


@pytest.fixture
def servers(nova):
    """Ids booted by the test; deleted at its end."""
    ids = []
    yield ids
    nova.delete_servers(ids)


@pytest.fixture
def failed_host(bed, nova):
    """The first bed host; a killed compute is started and re-enabled."""
    host = bed.hosts[0]
    yield host
    if nova.service(host)['state'] != 'up' or nova.service(host)[
            'forced_down']:
        nova.restore_host(host)


def test_host_failure_end_to_end(bed, nova, masakari, segment, servers,
                                 failed_host):
    servers += nova.boot(failed_host, 3, metadata=ob.HA, prefix='ha')
    stopped = nova.boot(failed_host, 1, metadata=ob.HA, prefix='off')
    servers += stopped
    nova.wait_servers(servers, ob.is_active, BOOT_TIMEOUT, 'boot')
    nova.call('POST', f'/servers/{stopped[0]}/action', {'os-stop': None})
    nova.wait_servers(stopped, lambda s: s['status'] == 'SHUTOFF',
                      BOOT_TIMEOUT, 'stop')

    bed.kill_compute(failed_host)
    uuid = notify(masakari, 'COMPUTE_HOST', failed_host, {
        'event': 'STOPPED', 'host_status': 'NORMAL',
        'cluster_status': 'OFFLINE', 'fencing': harness.FENCED})
    note = masakari.wait_status(uuid, timeout=RECOVERY_TIMEOUT)
    assert note['status'] == 'finished', note

    now = nova.servers(servers)
    for server_id, server in now.items():
        assert ob.host_of(server) not in ('', failed_host), server
        # Evacuated at microversion 2.53: what ran runs again, what was
        # stopped stays stopped (2.95+ would leave all of them stopped).
        expected = 'SHUTOFF' if server_id in stopped else 'ACTIVE'
        assert server['status'] == expected, server
        moves = nova.evacuations(server_id)
        assert [m['status'] for m in moves] == ['done'], moves
        assert moves[0]['source_compute'] == failed_host
        assert moves[0]['dest_compute'] == ob.host_of(server)
    service = nova.service(failed_host)
    assert service['forced_down'] is True  # proven off: forced down
    assert service['status'] == 'disabled'

    vmoves = masakari.call('GET', f'/notifications/{uuid}/vmoves')['vmoves']
    assert sorted(v['instance_uuid'] for v in vmoves) == sorted(servers)
    for vmove in vmoves:
        assert vmove['status'] == 'succeeded', vmove
        assert vmove['source_host'] == failed_host
        assert vmove['dest_host'] == ob.host_of(now[vmove['instance_uuid']])


def test_instance_failure_restarts_the_server(bed, nova, masakari, segment,
                                              servers):
    host = bed.hosts[1]
    servers += nova.boot(host, 1, metadata=ob.HA, prefix='vm')
    nova.wait_servers(servers, ob.is_active, BOOT_TIMEOUT, 'boot')
    # What the instance monitor reports when a guest stops by itself.
    nova.call('POST', f'/servers/{servers[0]}/action', {'os-stop': None})
    nova.wait_servers(servers, lambda s: s['status'] == 'SHUTOFF',
                      BOOT_TIMEOUT, 'stop')
    uuid = notify(masakari, 'VM', host, {
        'event': 'LIFECYCLE', 'instance_uuid': servers[0],
        'vir_domain_event': 'STOPPED_FAILED'})
    note = masakari.wait_status(uuid, timeout=RECOVERY_TIMEOUT)
    assert note['status'] == 'finished', note
    server = nova.servers(servers)[servers[0]]
    assert ob.is_active(server), server
    assert ob.host_of(server) == host


def test_process_failure_disables_the_compute(bed, nova, masakari, segment):
    host = bed.hosts[2]
    try:
        uuid = notify(masakari, 'PROCESS', host, {
            'event': 'STOPPED', 'process_name': 'nova-compute'})
        note = masakari.wait_status(uuid, timeout=RECOVERY_TIMEOUT)
        assert note['status'] == 'finished', note
        service = nova.service(host)
        assert service['status'] == 'disabled', service
        assert service['disabled_reason'], service
        assert service['forced_down'] is False  # nothing proven: no force
    finally:
        nova.update_service(host, {'status': 'enabled'})
