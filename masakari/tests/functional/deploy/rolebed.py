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

"""A bed for running the os_masakari Ansible role on this machine.

It builds what the role needs (ansible-core in a venv of its own, a wheel of
this checkout), writes an inventory and the variables, runs ansible-lint and
ansible-playbook, and removes everything the role created: the processes it
started (by their pid files), its system user and group, the install prefix.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

from masakari.testing import waits

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                    '..', '..'))
ANSIBLE_DIR = os.path.join(REPO, 'deploy', 'ansible')
PLAYBOOK = os.path.join(ANSIBLE_DIR, 'os-masakari-install.yml')
REQUIRE_ENV = 'MASAKARI_TEST_REQUIRE_BACKENDS'
# The services' interpreter must be one the unprivileged service user can
# run (a pyenv under /root is not).
SYSTEM_PYTHON = '/usr/bin/python3'
# Pinned to what the role was last linted with: a new ansible-lint may
# bring new rules.
ANSIBLE_PACKAGES = ['ansible-core>=2.16,<2.20', 'ansible-lint==26.11.0']
RECAP = re.compile(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)'
                   r'\s+failed=(\d+)', re.M)
INVENTORY = """[masakari_api]
localhost
[masakari_engine]
localhost
[masakari_monitor]
localhost
[masakari_all:children]
masakari_api
masakari_engine
masakari_monitor
[all:vars]
ansible_connection=local
ansible_python_interpreter={python}
"""


def unavailable(message: str) -> None:
    """Skip, or fail where every backend must be there."""
    if os.environ.get(REQUIRE_ENV) == '1':
        pytest.fail(message)
    pytest.skip(message)


def check_machine() -> None:
    if os.geteuid() != 0:
        unavailable('the os_masakari role test runs as root (it creates a '
                    'system user)')
    for tool in ('start-stop-daemon', 'runuser', 'useradd'):
        if shutil.which(tool) is None:
            unavailable(f'{tool} not found')
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        unavailable(f'{SYSTEM_PYTHON} not found')


class RoleBed:
    """One install prefix, one system user, one ansible venv."""

    def __init__(self) -> None:
        self.top = tempfile.mkdtemp(prefix='masakari-ansible-')
        # The service user walks down to its files under the prefix.
        os.chmod(self.top, 0o755)
        self.prefix = os.path.join(self.top, 'root')
        self.user = 'mskr-' + uuid.uuid4().hex[:8]
        self.ansible_venv = os.path.join(self.top, 'ansible-venv')
        self.wheelhouse = os.path.join(self.top, 'wheels')
        self.inventory = os.path.join(self.top, 'hosts.ini')
        self.vars_file = os.path.join(self.top, 'vars.json')
        self.logs: dict[str, str] = {}
        # Seconds per step, printed by the test (pytest -s shows them).
        self.timings: dict[str, float] = {}

    @contextlib.contextmanager
    def timed(self, step: str):
        start = time.monotonic()
        try:
            yield
        finally:
            self.timings[step] = round(time.monotonic() - start, 1)

    # -- preparation -----------------------------------------------------
    def install_ansible(self) -> None:
        subprocess.run([sys.executable, '-m', 'venv', self.ansible_venv],
                       check=True, timeout=300)
        pip = subprocess.run(
            [self.bin('pip'), 'install', '-q', *ANSIBLE_PACKAGES],
            capture_output=True, text=True, timeout=600)
        if pip.returncode != 0:
            unavailable('cannot install %s: %s' % (
                ' '.join(ANSIBLE_PACKAGES), pip.stderr[-2000:]))
        with open(self.inventory, 'w') as handle:
            handle.write(INVENTORY.format(python=self.bin('python')))

    def start_wheel(self) -> subprocess.Popen:
        """Build a wheel of this checkout (beside the ansible install).

        pip finds a wheel of the version already in the venv "already
        satisfied"; a directory it would rebuild and reinstall on every run.
        """
        return subprocess.Popen([sys.executable, '-m', 'pip', 'wheel', '-q',
                                 '--no-deps', '-w', self.wheelhouse, REPO],
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)

    def wheel(self, build: subprocess.Popen) -> str:
        output, _ = build.communicate(timeout=600)
        assert build.returncode == 0, output[-4000:]
        [wheel] = [name for name in os.listdir(self.wheelhouse)
                   if name.startswith('masakari-')]
        return os.path.join(self.wheelhouse, wheel)

    def bin(self, name: str) -> str:
        return os.path.join(self.ansible_venv, 'bin', name)

    def write_vars(self, variables: dict) -> None:
        with open(self.vars_file, 'w') as handle:
            json.dump(variables, handle, indent=1)

    # -- running ---------------------------------------------------------
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({'ANSIBLE_CONFIG': os.path.join(ANSIBLE_DIR,
                                                   'ansible.cfg'),
                    'ANSIBLE_LOCAL_TEMP': os.path.join(self.top, 'tmp'),
                    'ANSIBLE_REMOTE_TEMP': os.path.join(self.top, 'tmp'),
                    'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0',
                    'ANSIBLE_PIPELINING': '1',
                    'HOME': self.top, 'PATH': os.path.dirname(
                        self.bin('python')) + ':' + env.get('PATH', '')})
        env.pop('PYTHONPATH', None)
        return env

    def lint(self) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.bin('ansible-lint'), '--offline', '--nocolor'],
            cwd=ANSIBLE_DIR, env=self.env(), capture_output=True, text=True,
            timeout=600)

    def playbook(self, name: str, *extra: str) -> dict[str, int]:
        """Run the sample playbook; the PLAY RECAP counts of localhost."""
        result = subprocess.run(
            [self.bin('ansible-playbook'), '-i', self.inventory,
             '-e', '@' + self.vars_file, *extra, PLAYBOOK],
            cwd=ANSIBLE_DIR, env=self.env(), capture_output=True, text=True,
            timeout=900)
        self.logs[name] = result.stdout + result.stderr
        assert result.returncode == 0, self.logs[name][-6000:]
        recap = {m.group(1): m for m in RECAP.finditer(result.stdout)}
        match = recap['localhost']
        return {'ok': int(match.group(2)), 'changed': int(match.group(3)),
                'failed': int(match.group(5))}

    def changed_tasks(self, name: str) -> list[str]:
        """The tasks of a run that reported a change (for messages)."""
        tasks, current = [], ''
        for line in self.logs[name].splitlines():
            if line.startswith('TASK ['):
                current = line
            elif line.startswith('changed:'):
                tasks.append(current + ' ' + line)
        return tasks

    def path(self, *parts: str) -> str:
        return os.path.join(self.prefix, *parts)

    def service_log(self, service: str) -> str:
        try:
            with open(self.path('var', 'log', 'masakari',
                                service + '.log')) as handle:
                return handle.read()[-4000:]
        except OSError:
            return ''

    # -- cleaning up -----------------------------------------------------
    def stop_services(self, timeout: float = 30.0) -> None:
        run_dir = self.path('run', 'masakari')
        pids = []
        for name in os.listdir(run_dir) if os.path.isdir(run_dir) else []:
            try:
                with open(os.path.join(run_dir, name)) as handle:
                    pids.append(int(handle.read().strip()))
            except (OSError, ValueError):
                continue
        for pid in pids:
            _signal(pid, signal.SIGTERM)
        waits.poll(lambda: not any(map(_alive, pids)), timeout, 0.2)
        for pid in pids:
            _signal(pid, signal.SIGKILL)

    def remove_user(self) -> None:
        try:
            pwd.getpwnam(self.user)
        except KeyError:
            pass
        else:
            subprocess.run(['userdel', self.user], capture_output=True,
                           timeout=60)
        subprocess.run(['groupdel', self.user], capture_output=True,
                       timeout=60)

    def cleanup(self) -> None:
        self.stop_services()
        self.remove_user()
        shutil.rmtree(self.top, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        with open(f'/proc/{pid}/stat') as handle:
            return handle.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except OSError:
        pass
