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

"""deploy/pacemaker without a running cluster.

The agents run under ocf-tester and are called directly (as another user,
with leftovers of a killed service, with an API that does not answer), and
masakari-pcmk writes its resources into a CIB file. test_pacemaker_cluster
runs them under the real Pacemaker.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from xml.etree import ElementTree

import pytest

from masakari.db import migration
from masakari.testing import api_server
from masakari.testing import waits
from masakari.tests.functional.deploy import pcmk

pytestmark = pytest.mark.functional

BIN = os.path.dirname(sys.executable)


@pytest.fixture
def public_dir():
    """A directory every user may enter (ocf-tester runs meta-data as
    nobody; tmp_path is private to root)."""
    path = tempfile.mkdtemp(prefix='masakari-pcmk-')
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def service_conf(tmp_path):
    """masakari.conf for both services: noauth2, SQLite, fake transport."""
    url = f'sqlite:///{tmp_path}/masakari.sqlite'
    migration.db_sync(url=url, taskflow_connection=None)
    server = api_server.ApiServer(str(tmp_path), url)
    server.port = waits.free_port()
    server.write_config()
    return server


def _agent_call(agent: str, action: str, params: dict[str, str],
                interval_ms: int = 10000, timeout_ms: int = 30000
                ) -> subprocess.CompletedProcess:
    env = {'OCF_ROOT': pcmk.OCF_ROOT, 'OCF_RESOURCE_INSTANCE': 'test',
           'OCF_RESKEY_CRM_meta_timeout': str(timeout_ms),
           'OCF_RESKEY_CRM_meta_interval': str(interval_ms),
           '__OCF_ACTION': action}
    env.update({f'OCF_RESKEY_{k}': v for k, v in params.items()})
    return pcmk.run(agent, action, env=env, timeout=60)


# -- the agents on their own ----------------------------------------------

@pytest.mark.parametrize('service', ['api', 'engine'])
def test_agent_passes_ocf_tester(service, service_conf, public_dir,
                                 tmp_path):
    pcmk.need_root()
    pcmk.require_tools('ocf-tester', 'xmllint')
    pcmk.pcmk('--ocf-root', public_dir, 'install')
    agent = os.path.join(public_dir, 'resource.d', 'masakari', service)
    options = {'binary': os.path.join(BIN, f'masakari-{service}'),
               'config': os.path.join(service_conf.workdir, 'masakari.conf'),
               'user': 'root', 'pid': str(tmp_path / f'{service}.pid'),
               'console_log': str(tmp_path / f'{service}.out')}
    if service == 'api':
        options['port'] = str(service_conf.port)
    argv = ['ocf-tester', '-n', f'test-{service}']
    for name, value in options.items():
        argv += ['-o', f'{name}={value}']
    result = pcmk.run(*argv, agent, env={'OCF_ROOT': pcmk.OCF_ROOT})
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'passed all tests' in result.stdout
    # The newer schema too (ocf-tester checks the DTD).
    meta = pcmk.run(agent, 'meta-data').stdout
    rng = subprocess.run(
        ['xmllint', '--noout', '--relaxng',
         '/usr/share/resource-agents/metadata.rng', '-'],
        input=meta, capture_output=True, text=True, timeout=30)
    assert rng.returncode == 0, rng.stderr


FAKE_SERVICE = """#!/bin/bash
# Stands in for a masakari service: one child that outlives its parent.
if [ "$1" != --child ]; then
    "$0" --child &
fi
trap 'exit 0' TERM
while :; do sleep 0.2; done
"""


def test_agent_runs_as_user_and_cleans_up_after_kill(public_dir):
    pcmk.need_root()
    fake = os.path.join(public_dir, 'masakari-engine')
    with open(fake, 'w') as f:
        f.write(FAKE_SERVICE)
    os.chmod(fake, 0o755)
    config = os.path.join(public_dir, 'masakari.conf')
    open(config, 'w').close()
    os.chmod(config, 0o644)
    pcmk.pcmk('--ocf-root', public_dir, 'install')
    agent = os.path.join(public_dir, 'resource.d', 'masakari', 'engine')
    run_dir = os.path.join(public_dir, 'run', 'sub')
    params = {'binary': fake, 'config': config, 'user': 'nobody',
              'pid': os.path.join(run_dir, 'engine.pid'),
              'console_log': os.path.join(public_dir, 'log', 'engine.out')}

    def call(action: str, **overrides: str) -> int:
        return _agent_call(agent, action, {**params, **overrides}).returncode

    assert call('validate-all') == 0
    assert call('monitor') == 7
    assert _agent_call(agent, 'monitor', params, interval_ms=0
                       ).returncode == 7
    assert call('start') == 0
    with open(params['pid']) as f:
        leader = int(f.read())
    assert os.stat(f'/proc/{leader}').st_uid == _uid('nobody')
    assert os.stat(run_dir).st_uid == _uid('nobody')
    assert os.getpgid(leader) == leader
    assert call('monitor') == 0
    assert call('start') == 0  # already running: success, same process
    with open(params['pid']) as f:
        assert int(f.read()) == leader
    children = _group(leader, fake)
    assert len(children) == 2 and leader in children

    os.kill(leader, signal.SIGKILL)
    assert waits.poll(lambda: not pcmk.alive(leader), 10)
    assert call('monitor') == 7
    (orphan,) = [p for p in children if p != leader]
    assert pcmk.alive(orphan)
    assert call('stop') == 0  # also ends what the dead service left
    assert waits.poll(lambda: not pcmk.alive(orphan), 10)
    assert not os.path.exists(params['pid'])
    assert call('stop') == 0

    assert call('validate-all', user='no-such-user') == 5
    assert call('validate-all', config=config + '.missing') == 5
    assert call('validate-all', binary='/nonexistent/masakari-engine') == 5
    assert call('start', binary='/nonexistent/masakari-engine') == 5
    assert _agent_call(agent, 'monitor', {
        **params, 'binary': '/nonexistent/masakari-engine'},
        interval_ms=0).returncode == 7
    assert _agent_call(agent, 'reload', params).returncode == 3


def test_api_agent_monitor_needs_http(service_conf, public_dir):
    """A process that holds the pid but does not answer HTTP is failed."""
    pcmk.need_root()
    pcmk.pcmk('--ocf-root', public_dir, 'install')
    agent = os.path.join(public_dir, 'resource.d', 'masakari', 'api')
    fake = os.path.join(public_dir, 'masakari-api')
    with open(fake, 'w') as f:
        f.write(FAKE_SERVICE)
    os.chmod(fake, 0o755)
    params = {'binary': fake, 'user': 'root',
              'config': os.path.join(service_conf.workdir, 'masakari.conf'),
              'pid': os.path.join(public_dir, 'api.pid'),
              'console_log': os.path.join(public_dir, 'api.out'),
              'port': str(service_conf.port), 'check_timeout': '2'}
    try:
        # Never answers: start gives up within its op timeout (less the
        # agent's margin of 5 s).
        result = _agent_call(agent, 'start', params, timeout_ms=8000)
        assert result.returncode == 1, result.stderr
        assert 'did not start' in result.stderr
        assert _agent_call(agent, 'monitor', params).returncode == 1
        assert _agent_call(agent, 'validate-all', {
            **params, 'port': 'http'}).returncode == 6
    finally:
        assert _agent_call(agent, 'stop', params).returncode == 0


def _uid(user: str) -> int:
    return pwd.getpwnam(user).pw_uid


def _group(pgid: int, binary: str) -> list[int]:
    """Processes of the group running ``binary`` (not their sleeps)."""
    out = pcmk.run('pgrep', '-g', str(pgid), '-f', binary).stdout
    return [int(p) for p in out.split()]


def _cib(path: str) -> ElementTree.Element:
    out = pcmk.run('cibadmin', '--query', '--scope', 'resources',
                   env={'CIB_file': path}).stdout
    return ElementTree.fromstring(out)


def _ops(primitive: ElementTree.Element) -> dict[str, tuple[str, str]]:
    return {op.get('name'): (op.get('interval'), op.get('timeout'))
            for op in primitive.iter('op')}


def test_setup_and_teardown_in_a_cib_file(tmp_path):
    pcmk.require_tools('cibadmin', 'crm_resource')
    path = str(tmp_path / 'cib.xml')
    with open(path, 'w') as f:
        f.write(pcmk.run('cibadmin', '--empty').stdout)
    env = {'CIB_file': path}
    out = pcmk.pcmk('setup', '--no-install', '--config', '/etc/m&m.conf',
                    '--api-port', '8080', '--api-args', '--debug -v',
                    '--monitor-interval', '5', '--start-timeout', '45',
                    env=env)
    assert out.split('\n')[:2] == ['created masakari-api-clone',
                                   'created masakari-engine-clone']
    root = _cib(path)
    clones = {c.get('id'): c for c in root.findall('clone')}
    assert set(clones) == {'masakari-api-clone', 'masakari-engine-clone'}
    api = clones['masakari-api-clone'].find('primitive')
    assert (api.get('class'), api.get('provider'), api.get('type')) == (
        'ocf', 'masakari', 'api')
    assert {n.get('name'): n.get('value') for n in api.iter('nvpair')
            if n.get('id').startswith('masakari-api-instance')} == {
        'config': '/etc/m&m.conf', 'port': '8080',
        'additional_parameters': '--debug -v'}
    assert _ops(api) == {'start': ('0s', '45s'), 'stop': ('0s', '90s'),
                         'monitor': ('5s', '30s')}
    meta = clones['masakari-engine-clone'].find('meta_attributes/nvpair')
    assert (meta.get('name'), meta.get('value')) == ('interleave', 'true')

    # Again, with a single engine: the API is replaced, the engine clone
    # gives way to a primitive.
    out = pcmk.pcmk('setup', '--no-install', '--engine', 'single', env=env)
    assert 'removed masakari-engine-clone' in out
    assert 'replaced masakari-api-clone' in out
    root = _cib(path)
    assert [e.get('id') for e in root] == [
        'masakari-api-clone', 'masakari-engine']
    assert not list(root.find('clone/primitive').iter('instance_attributes'))

    pcmk.pcmk('setup', '--class', 'systemd', env=env)
    primitives = list(_cib(path).iter('primitive'))
    assert [(p.get('class'), p.get('type')) for p in primitives] == [
        ('systemd', 'masakari-api'), ('systemd', 'masakari-engine')]

    pcmk.pcmk('teardown', env=env)
    assert list(_cib(path)) == []


@pytest.mark.parametrize('args', [
    ('setup', '--engine', 'both'),
    ('setup', '--monitor-interval', '10s'),
    ('setup', '--class', 'lsb'),
    ('setup', '--class', 'systemd', '--user', 'masakari'),
    ('setup', '--api-param', 'no-equals-sign'),
    ('setup', '--wait'),
    ('setup', 'teardown'),
    ('launch',),
    (),
])
def test_bad_arguments(args):
    result = pcmk.run(pcmk.PCMK, *args, env={'CIB_file': '/nonexistent'})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith(
        'masakari-pcmk: ')
