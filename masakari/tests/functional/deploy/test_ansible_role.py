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

"""The os_masakari Ansible role on this machine, end to end.

ansible-lint on the role, a --check run on the bare machine, a real run, a
second run that changes nothing, then the deployed services at work: the API
answers, a segment with hosts is stored, a host failure notification posted
to the API and a process failure found by the deployed process monitor are
both recovered to "finished" against the cloud simulator's Nova. There is no
running systemd here, so the role's supervisor mode (start-stop-daemon)
runs the services; the systemd units are written and checked, not started.
The Keystone registration runs against a stand-in openstack CLI.
"""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest

from masakari.testing import waits
from masakari.testing.cloud import CloudSimulator, Timings
from masakari.tests.functional.deploy import rolebed

pytestmark = pytest.mark.functional

HOSTS = ('compute1', 'compute2', 'compute3')
RECOVERY_DEADLINE = 180.0
FAKE_CLI = os.path.join(os.path.dirname(__file__), 'fake_openstack.py')


class Api:
    """Tiny REST client of a noauth2 masakari API."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def call(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.endpoint + path, data=data, method=method,
            headers={'Content-Type': 'application/json',
                     'OpenStack-API-Version': 'instance-ha 1.3',
                     'X-Project-Id': 'deploy', 'X-User-Id': 'deploy',
                     'X-Roles': 'admin'})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                if 'json' not in response.headers.get('Content-Type', ''):
                    return response.status, raw.decode()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors='replace')

    def ok(self, method: str, path: str, body: dict | None = None):
        status, answer = self.call(method, path, body)
        assert status < 300, (method, path, status, answer)
        return answer


@pytest.fixture
def bed():
    rolebed.check_machine()
    bed = rolebed.RoleBed()
    try:
        yield bed
    finally:
        bed.cleanup()


@pytest.fixture
def cloud():
    timings = Timings(rebuild=10.0, rebuild_claim=2.0, stop=3.0, start=3.0,
                      report_interval=10.0, service_down_time=60.0)
    sim = CloudSimulator(scale=10.0, timings=timings).start()
    for name in HOSTS:
        sim.add_host(name)
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def watched(tmp_path):
    """The "nova-compute" the deployed process monitor watches (and the
    test kills): /bin/sleep under that name, the one process whose failure
    the engine acts on (it disables the host's compute service)."""
    program = tmp_path / 'nova-compute'
    program.symlink_to('/bin/sleep')
    seconds = str(86000 + int(uuid.uuid4().hex[:3], 16) % 400)
    proc = subprocess.Popen([str(program), seconds])
    try:
        yield proc, f'{program} {seconds}'
    finally:
        proc.kill()
        proc.wait(30)


def _messaging(run_id: str) -> tuple[str, dict]:
    """RabbitMQ when the test services run one, with a topic of this run;
    else the in-process driver, the engine then finds new notifications
    with its periodic task (every second here)."""
    url = os.environ.get('MASAKARI_TEST_TRANSPORT_URL')
    if url:
        return url, {'masakari_topic': 'ha_engine-' + run_id,
                     'control_exchange': 'masakari-deploy-' + run_id}
    return 'fake://', {}


def _variables(bed, sim, wheel: str, port: int, process_name: str) -> dict:
    transport, rpc = _messaging(bed.user)
    creds = sim.credentials
    cli = os.path.join(bed.top, 'openstack')
    with open(cli, 'w') as handle:
        handle.write('#!/bin/sh\nexec %s %s %s "$@"\n' % (
            sys.executable, FAKE_CLI, os.path.join(bed.top, 'keystone.json')))
    os.chmod(cli, 0o755)
    return {
        'masakari_prefix': bed.prefix,
        'masakari_service_manager': 'supervisor',
        'masakari_systemd_units_write': True,
        'masakari_install_source': wheel,
        'masakari_venv_python': rolebed.SYSTEM_PYTHON,
        'masakari_system_user_name': bed.user,
        'masakari_system_group_name': bed.user,
        'masakari_service_port': port,
        'masakari_api_workers': 1,
        'masakari_auth_strategy': 'noauth2',
        'masakari_transport_url': transport,
        'masakari_nova_auth_url': creds['auth_url'],
        'masakari_nova_username': creds['username'],
        'masakari_nova_password': creds['password'],
        'masakari_nova_project_name': creds['project_name'],
        'masakari_nova_region': sim.region,
        'masakari_masakari_conf_overrides': {'DEFAULT': dict(rpc, **{
            'process_unfinished_notifications_interval': 1,
            'retry_notification_new_status_interval': 1,
            'periodic_fuzzy_delay': 0, 'verify_interval': 1,
            'graceful_shutdown_timeout': 10})},
        'masakari_policy_overrides': {'os_masakari_api:vmoves:index': '!'},
        'masakari_hostmonitor_enabled': False,
        'masakari_instancemonitor_enabled': False,
        'masakari_monitors_hostname': HOSTS[0],
        'masakari_monitors_conf_overrides': {
            'api': {'auth_type': 'none',
                    'endpoint': f'http://127.0.0.1:{port}/v1'},
            'process': {'check_interval': 1, 'restart_retries': 0,
                        'restart_interval': 0, 'api_retry_max': 3,
                        'api_retry_interval': 1}},
        'masakari_monitors_process_list': [{
            'process_name': process_name, 'start_command': '/bin/true',
            'restart_command': '/bin/false', 'run_as_root': False}],
        'masakari_keystone_admin_auth_url': 'http://127.0.0.1:1/v3',
        'masakari_keystone_admin_password': 'admin-secret',
        'masakari_service_password': 'masakari-secret',
        'masakari_openstack_cli': cli,
    }


def _wait_finished(api: Api, bed, uuid_: str) -> dict:
    def finished():
        note = api.ok('GET', f'/v1/notifications/{uuid_}')['notification']
        return note if note['status'] in ('finished', 'failed',
                                          'ignored') else None
    note = waits.wait_until(
        finished, RECOVERY_DEADLINE, what=f'notification {uuid_} to end',
        details=lambda: bed.service_log('masakari-engine'), interval=0.5)
    assert note['status'] == 'finished', (
        note, bed.service_log('masakari-engine'))
    return note


# pip installs the whole dependency set into the role's venv: slow on a
# busy machine, hence more time than the suite's default.
@pytest.mark.timeout(1800)
def test_role_deploys_working_services(bed, cloud, watched):
    proc, process_name = watched
    port = waits.free_port()
    with bed.timed('ansible venv and wheel'):
        build = bed.start_wheel()
        try:
            bed.install_ansible()
        finally:
            wheel = bed.wheel(build)
    bed.write_vars(_variables(bed, cloud, wheel, port, process_name))

    with bed.timed('ansible-lint'):
        lint = bed.lint()
    assert lint.returncode == 0, lint.stdout[-4000:] + lint.stderr[-4000:]

    # Check mode on the bare machine: it runs through and creates nothing.
    with bed.timed('check run'):
        bed.playbook('check', '--check')
    with pytest.raises(KeyError):
        pwd.getpwnam(bed.user)
    assert not os.path.exists(bed.path('openstack'))

    with bed.timed('first run'):
        first = bed.playbook('first')
    assert first['changed'] > 0 and first['failed'] == 0
    with bed.timed('second run'):
        second = bed.playbook('second')
    assert second['changed'] == 0, bed.changed_tasks('second')

    api = Api(f'http://127.0.0.1:{port}')
    _check_files(bed, port)
    _check_keystone(bed, port)
    try:
        with bed.timed('recoveries'):
            _check_api(api, bed, cloud, proc)
    finally:
        print('os_masakari role test, seconds per step:', bed.timings)


def _check_files(bed, port: int) -> None:
    user = pwd.getpwnam(bed.user)
    assert user.pw_dir == bed.path('var', 'lib', 'masakari')
    with open(bed.path('etc', 'masakari', 'masakari.conf')) as handle:
        conf = handle.read()
    assert f'masakari_api_listen_port = {port}\n' in conf
    assert 'os_masakari' in conf.splitlines()[0]
    with open(bed.path('etc', 'masakari', 'api-paste.ini')) as handle:
        paste = handle.read()
    # The shipped pipeline, with the role's change to the health check.
    assert 'noauth2 = cors http_proxy_to_wsgi' in paste
    assert 'disable_by_file_path = ' + bed.path(
        'etc', 'masakari', 'healthcheck_disable') in paste
    with open(bed.path('etc', 'systemd', 'system',
                       'masakari-api.service')) as handle:
        unit = handle.read()
    venv = bed.path('openstack', 'venvs', 'masakari')
    assert (f'ExecStart={venv}/bin/masakari-api --config-file '
            f'{bed.path("etc", "masakari", "masakari.conf")}') in unit
    assert f'User={bed.user}\n' in unit
    with open(bed.path('etc', 'systemd', 'system',
                       'masakari-processmonitor.service')) as handle:
        assert bed.path('etc', 'masakarimonitors',
                        'masakarimonitors.conf') in handle.read()
    assert not os.path.exists(bed.path('etc', 'systemd', 'system',
                                       'masakari-hostmonitor.service'))


def _check_keystone(bed, port: int) -> None:
    with open(os.path.join(bed.top, 'keystone.json')) as handle:
        state = json.load(handle)
    assert list(state['users']) == ['masakari']
    assert sorted(r['role'] for r in state['roles']) == ['admin', 'service']
    assert [(s['Name'], s['Type']) for s in state['services']] == [
        ('masakari', 'instance-ha')]
    url = f'http://127.0.0.1:{port}/v1/%(tenant_id)s'
    assert sorted((e['Interface'], e['URL']) for e in state['endpoints']) \
        == [('admin', url), ('internal', url), ('public', url)]
    # Created once: the check run and the second run only looked up.
    mutating = [c['argv'][:2] for c in state['calls'] if c['mutating']]
    assert len(mutating) == 1 + 2 + 1 + 3, mutating


def _check_api(api: Api, bed, sim, proc) -> None:
    status, root = api.call('GET', '/')
    assert status == 200 and root['versions'][0]['id'] == 'v1.0'
    # The health check's disable file is where the paste override put it.
    assert api.call('GET', '/healthcheck')[0] == 200
    disable = bed.path('etc', 'masakari', 'healthcheck_disable')
    with open(disable, 'w'):
        pass
    assert api.call('GET', '/healthcheck')[0] == 503
    os.unlink(disable)
    segment = api.ok('POST', '/v1/segments', {'segment': {
        'name': 'deploy', 'service_type': 'COMPUTE',
        'recovery_method': 'auto'}})['segment']
    for name in HOSTS:
        api.ok('POST', f'/v1/segments/{segment["uuid"]}/hosts', {'host': {
            'name': name, 'type': 'COMPUTE', 'control_attributes': 'SSH'}})
    hosts = api.ok('GET', f'/v1/segments/{segment["uuid"]}/hosts')['hosts']
    uuids = {h['name']: h['uuid'] for h in hosts}
    assert sorted(uuids) == list(HOSTS)

    # A host failure posted to the API, recovered by the deployed engine.
    server = sim.add_server(HOSTS[1], name='deploy-vm',
                            metadata={'HA_Enabled': 'True'})
    sim.kill_host(HOSTS[1])
    note = api.ok('POST', '/v1/notifications', {'notification': {
        'type': 'COMPUTE_HOST', 'hostname': HOSTS[1],
        'generated_time': time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime()),
        'payload': {'event': 'STOPPED', 'host_status': 'NORMAL',
                    'cluster_status': 'OFFLINE',
                    'fencing': {'confirmed': True, 'source': 'deploy-test'}},
    }})['notification']
    _wait_finished(api, bed, note['notification_uuid'])
    assert sim.get_server(server.id).host != HOSTS[1]
    # The policy override is in force.
    status, _ = api.call(
        'GET', f'/v1/notifications/{note["notification_uuid"]}/vmoves')
    assert status == 403

    # A process failure found by the deployed process monitor.
    proc.kill()
    proc.wait(30)

    def reported():
        notes = api.ok('GET', '/v1/notifications')['notifications']
        return [n for n in notes if n['type'] == 'PROCESS'
                and n['source_host_uuid'] == uuids[HOSTS[0]]]
    [note] = waits.wait_until(
        reported, RECOVERY_DEADLINE, what='the process monitor to report',
        details=lambda: bed.service_log('masakari-processmonitor'),
        interval=0.5)
    _wait_finished(api, bed, note['notification_uuid'])
    assert sim.get_service(HOSTS[0])['status'] == 'disabled'
