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

"""Shared by the tests of deploy/pacemaker: running masakari-pcmk and the
agents, and the skip-or-fail rule for missing tools and privileges."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from masakari.testing import api_server

PCMK = os.path.join(api_server.REPO, 'deploy', 'pacemaker', 'masakari-pcmk')
OCF_ROOT = '/usr/lib/ocf'


def unavailable(reason: str) -> None:
    """Skip, or fail where every backend is required (tools/run-tests.sh)."""
    if os.environ.get('MASAKARI_TEST_REQUIRE_BACKENDS') == '1':
        pytest.fail(reason)
    pytest.skip(reason)


# Debian packages of the tools these tests use (tools/run-tests.sh installs
# them).
PACKAGES = {
    'ocf-tester': 'resource-agents', 'xmllint': 'libxml2-utils',
    'puppet': 'puppet', 'corosync': 'corosync',
    'corosync-quorumtool': 'corosync', 'pacemakerd': 'pacemaker',
}


def require_tools(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        packages = sorted({PACKAGES.get(t, 'pacemaker-cli-utils')
                           for t in missing})
        unavailable('missing %s (apt: %s)' % (', '.join(missing),
                                              ' '.join(packages)))


def need_root() -> None:
    if os.geteuid() != 0:
        unavailable('needs root (the agents run services as another user)')


def run(*argv: str, env: dict | None = None,
        timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def pcmk(*args: str, env: dict | None = None) -> str:
    """masakari-pcmk's output; it must succeed."""
    result = run(PCMK, *args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def alive(pid: int | None) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    if not pid:
        return False
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().split(')')[-1].split()[0] != 'Z'
    except FileNotFoundError:
        return False
