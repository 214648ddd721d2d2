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

"""masakari-pcmk against the real one-node Corosync/Pacemaker cluster.

The cluster is the host monitor tests' (local_cluster), behind the same
machine-wide lock, so the two never run at once under pytest-xdist. One
test walks the whole life of the resources, since each step needs the
previous one: setup, HTTP answers, restart after SIGKILL, standby,
teardown. With one node, standby stops the clones (nowhere to move them).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import urllib.request
from xml.etree import ElementTree

import pytest

from masakari.db import migration
from masakari.testing import api_server
from masakari.testing import waits
from masakari.tests.functional.deploy import pcmk
from masakarimonitors.tests.functional.hostmonitor import local_cluster

pytestmark = pytest.mark.functional

AGENT_DIR = os.path.join(pcmk.OCF_ROOT, 'resource.d', 'masakari')
RESOURCES = {'masakari-api-clone': 'masakari-api',
             'masakari-engine-clone': 'masakari-engine'}
TIMEOUT = 90
TOOLS = ('corosync', 'corosync-quorumtool', 'pacemakerd', 'crm_mon',
         'cibadmin', 'crm_resource', 'crm_standby', 'crm_attribute')


@pytest.fixture(scope='module')
def cluster(tmp_path_factory):
    pcmk.require_tools(*TOOLS)
    pcmk.need_root()
    with local_cluster.machine_lock(timeout=600):
        if local_cluster.already_running():
            pcmk.unavailable('corosync/pacemaker already run here')
        node = local_cluster.LocalCluster(
            str(tmp_path_factory.mktemp('cluster')), socket.gethostname())
        had_agents = os.path.exists(AGENT_DIR)
        try:
            node.start(timeout=90)
            yield node
        finally:
            node.stop()
            if not had_agents:
                pcmk.pcmk('uninstall')


def _status() -> ElementTree.Element:
    out = pcmk.run('crm_mon', '--output-as=xml', '-1').stdout
    return ElementTree.fromstring(out)


def _states(root: ElementTree.Element) -> dict[str, tuple[str, bool]]:
    """primitive id -> (role, active) of the resources' instances."""
    states = {}
    for clone in root.iter('clone'):
        for res in clone.iter('resource'):
            states[res.get('id')] = (res.get('role'),
                                     res.get('active') == 'true')
    return states


def _all(role: str) -> bool:
    states = _states(_status())
    return all(states.get(p, (None, False))[0] == role
               for p in RESOURCES.values())


def _failures(primitive: str) -> list[dict]:
    return [f.attrib for f in _status().iter('failure')
            if f.get('op_key', '').startswith(primitive + '_monitor')]


def _pid(path: str) -> int | None:
    try:
        with open(path) as f:
            text = f.read().strip()
    except FileNotFoundError:
        return None
    return int(text) if text.isdigit() else None


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status
    except OSError:
        return 0


def _wait(predicate, what: str, details=lambda: ''):
    return waits.wait_until(predicate, TIMEOUT, what, details, interval=0.5)


@pytest.fixture
def pids(tmp_path):
    """Pid file of each service; what still runs at the end is killed
    (a failed test must not leave services behind the cluster)."""
    # The engine keeps the agent's default pid file: the instance name
    # Pacemaker passes for an (anonymous) clone is the primitive's id.
    paths = {'masakari-api': str(tmp_path / 'masakari-api.pid'),
             'masakari-engine': '/run/masakari/masakari-engine.pid'}
    yield paths
    for path in paths.values():
        pid = _pid(path)
        if pcmk.alive(pid):
            os.killpg(pid, signal.SIGKILL)


def test_resources_lifecycle(cluster, pids, tmp_path):
    url = f'sqlite:///{tmp_path}/masakari.sqlite'
    migration.db_sync(url=url, taskflow_connection=None)
    conf = api_server.ApiServer(str(tmp_path), url)
    conf.port = waits.free_port()
    config = conf.write_config()
    bindir = os.path.dirname(sys.executable)

    def log() -> str:
        return pcmk.run('crm_mon', '-1', '--output-as=text', '-rf').stdout

    out = pcmk.pcmk(
        'setup', '--config', config, '--user', 'root',
        '--api-binary', os.path.join(bindir, 'masakari-api'),
        '--engine-binary', os.path.join(bindir, 'masakari-engine'),
        '--api-port', str(conf.port), '--monitor-interval', '2',
        '--api-param', f'pid={pids["masakari-api"]}',
        '--api-param', f'console_log={tmp_path}/api.out',
        '--engine-param', f'console_log={tmp_path}/engine.out',
        '--wait', str(TIMEOUT))
    assert 'created masakari-api-clone' in out
    assert os.access(os.path.join(AGENT_DIR, 'api'), os.X_OK)
    assert _all('Started'), log()
    assert _get(conf.url + '/v1/segments') == 200

    # SIGKILL: the monitor notices, Pacemaker stops and starts it again.
    for primitive in RESOURCES.values():
        old = _pid(pids[primitive])
        assert old and pcmk.alive(old)
        os.kill(old, signal.SIGKILL)
        _wait(lambda p=primitive: _failures(p), f'{primitive} failure',
              log)
        _wait(lambda p=primitive, o=old: _pid(pids[p]) not in (None, o)
              and pcmk.alive(_pid(pids[p])) and _all('Started'),
              f'{primitive} restarted by Pacemaker', log)
        (failure,) = _failures(primitive)
        assert failure['exitcode'] == '7'  # OCF_NOT_RUNNING
    _wait(lambda: _get(conf.url + '/v1/segments') == 200,
          'the restarted API to answer', log)

    # Standby: one node, so the clones stop (with two they would move).
    node = socket.gethostname()
    pcmk.run('crm_resource', '--cleanup')
    standby = pcmk.run('crm_standby', '--node', node, '--update', 'on')
    assert standby.returncode == 0, standby.stderr
    running = [_pid(p) for p in pids.values()]
    _wait(lambda: _all('Stopped') and not any(
        _pid(p) for p in pids.values()), 'standby to stop the resources',
        log)
    assert not any(pcmk.alive(pid) for pid in running)
    assert _get(conf.url + '/') == 0
    pcmk.run('crm_standby', '--node', node, '--update', 'off')
    _wait(lambda: _all('Started'), 'the resources back after standby',
          log)
    assert _get(conf.url + '/') == 200

    last = {p: _pid(path) for p, path in pids.items()}
    out = pcmk.pcmk('teardown', '--wait', str(TIMEOUT))
    assert 'removed masakari-api-clone' in out
    assert 'removed masakari-engine-clone' in out
    assert _states(_status()) == {}
    assert not any(pcmk.alive(pid) for pid in last.values())
    query = pcmk.run('cibadmin', '--query', '--scope', 'resources').stdout
    assert 'masakari' not in query
