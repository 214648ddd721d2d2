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

"""The real ``openstack`` CLI (python-masakariclient) against masakari-api.

A new interpreter costs ~2 s per command, so the CLI runs in one helper
process per server (``openstackclient.shell.main``, exactly what the
console script calls; a fresh process per server because the CLI keeps
state between runs). One test also runs the installed console script.
"""

import concurrent.futures
import contextlib
import datetime
import io
import json
import multiprocessing
import os
import subprocess
import sys
import types

import pytest

from masakari.db import api as db_api

pytestmark = pytest.mark.functional

OPENSTACK = os.path.join(os.path.dirname(sys.executable), 'openstack')
INSTANCE = '96ab1c42-668c-4f2d-8689-afa3301d4ee9'


def run_in_process(argv):
    """Run one ``openstack`` command in this (helper) process."""
    from openstackclient import shell
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = shell.main(argv)
        except SystemExit as exc:  # argparse rejections
            code = exc.code
    return code, out.getvalue(), err.getvalue()


class CLI:
    def __init__(self, api, pool):
        self.base = ['--os-auth-type', 'none', '--os-endpoint',
                     api.url + '/v1']
        self.pool = pool

    def run(self, *args, ok=True):
        code, out, err = self.pool.submit(
            run_in_process, [*self.base, *args]).result(timeout=120)
        proc = types.SimpleNamespace(returncode=code, stdout=out, stderr=err)
        if ok:
            assert proc.returncode == 0, proc.stderr
        return proc

    def run_script(self, *args):
        """The installed ``openstack`` console script, in a subprocess."""
        return subprocess.run([OPENSTACK, *self.base, *args],
                              capture_output=True, text=True, timeout=120)

    def json(self, *args):
        return json.loads(self.run(*args, '-f', 'json').stdout)

    def fails(self, *args):
        proc = self.run(*args, ok=False)
        assert proc.returncode != 0
        return proc.stderr


@pytest.fixture(scope='module')
def cli(api):
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context('spawn'))
    try:
        yield CLI(api, pool)
    finally:
        pool.shutdown(wait=True)


def test_segments(cli):
    seg = cli.json('segment', 'create', 'cli-seg', 'auto', 'COMPUTE',
                   '--description', 'first', '--is_enabled', 'False')
    assert seg['name'] == 'cli-seg'
    assert seg['is_enabled'] is False
    assert seg['description'] == 'first'
    listed = cli.json('segment', 'list')
    assert 'cli-seg' in [s['name'] for s in listed]
    shown = cli.json('segment', 'show', 'cli-seg')
    assert shown['uuid'] == seg['uuid']
    updated = cli.json('segment', 'update', seg['uuid'], '--name',
                       'cli-seg2', '--recovery_method', 'reserved_host',
                       '--is_enabled', 'True')
    assert updated['name'] == 'cli-seg2'
    assert updated['recovery_method'] == 'reserved_host'
    assert updated['is_enabled'] is True
    err = cli.fails('segment', 'create', 'cli-seg2', 'auto', 'COMPUTE')
    assert 'Failover segment with name cli-seg2 already exists.' in err
    err = cli.fails('segment', 'create', 'x', 'bogus', 'COMPUTE')
    assert 'bogus' in err
    cli.run('segment', 'delete', seg['uuid'])
    err = cli.fails('segment', 'show', seg['uuid'])
    assert seg['uuid'] in err


def test_hosts(cli):
    seg = cli.json('segment', 'create', 'host-seg', 'auto', 'COMPUTE')
    host = cli.json('segment', 'host', 'create', 'compute1', 'COMPUTE',
                    'SSH', seg['uuid'], '--reserved', 'True')
    assert host['name'] == 'compute1'
    assert host['reserved'] is True
    assert host['failover_segment_id'] == seg['uuid']
    listed = cli.json('segment', 'host', 'list', seg['uuid'])
    assert [h['name'] for h in listed] == ['compute1']
    shown = cli.json('segment', 'host', 'show', seg['uuid'], 'compute1')
    assert shown['uuid'] == host['uuid']
    updated = cli.json('segment', 'host', 'update', seg['uuid'],
                       host['uuid'], '--on_maintenance', 'True',
                       '--reserved', 'False')
    assert updated['on_maintenance'] is True
    assert updated['reserved'] is False
    err = cli.fails('segment', 'host', 'create', 'not-a-compute', 'COMPUTE',
                    'SSH', seg['uuid'])
    assert 'Compute service with name not-a-compute could not be found.' \
        in err
    err = cli.fails('segment', 'host', 'create', 'compute1', 'COMPUTE',
                    'SSH', seg['uuid'])
    assert 'Host with name compute1 already exists.' in err
    cli.run('segment', 'host', 'delete', seg['uuid'], host['uuid'])
    assert cli.json('segment', 'host', 'list', seg['uuid']) == []
    cli.run('segment', 'delete', seg['uuid'])


def test_notifications_and_vmoves(cli, api):
    seg = cli.json('segment', 'create', 'n-seg', 'auto', 'COMPUTE')
    cli.json('segment', 'host', 'create', 'compute2', 'COMPUTE', 'SSH',
             seg['uuid'])
    # With the fencing evidence a Pacemaker host monitor adds: the CLI
    # passes the nested object through unchanged.
    payload = json.dumps({'event': 'STOPPED', 'host_status': 'NORMAL',
                          'cluster_status': 'ONLINE',
                          'fencing': {'confirmed': True,
                                      'source': 'stonith-history'}})
    # No engine here: show at 1.0 (no workflow details). The API version
    # option is only honoured on a fresh CLI process.
    created = cli.run_script('--os-ha-api-version', '1.0', 'notification',
                             'create', 'COMPUTE_HOST', 'compute2',
                             '2026-11-22T01:00:00.000', payload, '-f',
                             'json')
    assert created.returncode == 0, created.stderr
    notification = json.loads(created.stdout)
    assert notification['status'] == 'new'
    uuid = notification['notification_uuid']
    err = cli.fails('notification', 'create', 'COMPUTE_HOST', 'compute2',
                    '2026-11-22T01:00:00.000', payload)
    assert 'is duplicate' in err
    err = cli.fails('notification', 'create', 'VM', 'nohost',
                    '2026-11-22T01:00:00.000', '{}')
    assert 'nohost' in err or 'required' in err
    listed = cli.json('notification', 'list')
    assert uuid in [n['notification_uuid'] for n in listed]
    shown = json.loads(cli.run_script('--os-ha-api-version', '1.0',
                                      'notification', 'show', uuid, '-f',
                                      'json').stdout)
    assert shown['source_host_uuid'] == notification['source_host_uuid']
    assert shown['payload']['fencing'] == {'confirmed': True,
                                           'source': 'stonith-history'}
    # The engine writes vmoves; insert two rows the way it would.
    db = db_api.DBAPI(db_api.Database(api.db_url))
    try:
        for i in range(2):
            db.vmove_create({
                'notification_uuid': uuid, 'instance_uuid': INSTANCE,
                'instance_name': f'vm{i}', 'source_host': 'compute2',
                'type': 'evacuation', 'status': 'succeeded',
                'start_time': datetime.datetime(2026, 11, 22, 1, 1)})
        db.notification_update(uuid, {'status': 'finished'})
    finally:
        db.dispose()
    vmoves = cli.json('notification', 'vmove', 'list', uuid)
    assert sorted(v['server_name'] for v in vmoves) == ['vm0', 'vm1']
    vmove = cli.json('notification', 'vmove', 'show', uuid,
                     vmoves[0]['uuid'])
    assert vmove['uuid'] == vmoves[0]['uuid']
    assert vmove['server_id'] == INSTANCE
    err = cli.fails('notification', 'vmove', 'show', uuid,
                    '00000000-0000-0000-0000-000000000000')
    assert '00000000-0000-0000-0000-000000000000 is not found' in err
    cli.run('segment', 'delete', seg['uuid'])


def test_console_script(cli):
    proc = cli.run_script('segment', 'list', '-f', 'json')
    assert proc.returncode == 0, proc.stderr
    assert isinstance(json.loads(proc.stdout), list)
    proc = cli.run_script('segment', 'show', 'no-such-segment')
    assert proc.returncode != 0
    assert 'no-such-segment' in proc.stderr
