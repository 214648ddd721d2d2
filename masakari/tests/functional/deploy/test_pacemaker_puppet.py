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
"""The Puppet class of deploy/pacemaker, applied to a CIB file.

cibadmin and crm_resource edit the file named by CIB_file instead of a
live cluster, and the class's commands inherit it from ``puppet apply``.
The class reads no facts, so facter (seconds per run) is not consulted.
"""

from __future__ import annotations

import os

import pytest

from masakari.testing import api_server
from masakari.tests.functional.deploy import pcmk

pytestmark = pytest.mark.functional

MODULES = os.path.join(api_server.REPO, 'deploy', 'pacemaker', 'puppet')
MANIFEST = os.path.join(MODULES, 'masakari_pacemaker', 'manifests',
                        'init.pp')

SITE = """class {{ 'masakari_pacemaker':
  pcmk             => '{pcmk}',
  ocf_root         => '{tmp}/ocf',
  state_file       => '{tmp}/args',
  wait             => 0,
  user             => 'root',
  monitor_interval => {interval},
  ensure           => '{ensure}',
}}
"""


def test_parser_validate():
    pcmk.require_tools('puppet')
    result = pcmk.run('puppet', 'parser', 'validate', MANIFEST)
    assert result.returncode == 0, result.stdout + result.stderr


def test_apply_sets_up_updates_and_tears_down(tmp_path):
    pcmk.require_tools('puppet', 'cibadmin', 'crm_resource')
    cib = str(tmp_path / 'cib.xml')
    with open(cib, 'w') as f:
        f.write(pcmk.run('cibadmin', '--empty').stdout)

    def apply(interval: int = 10, ensure: str = 'present') -> int:
        site = tmp_path / 'site.pp'
        site.write_text(SITE.format(pcmk=pcmk.PCMK, tmp=tmp_path,
                                    interval=interval, ensure=ensure))
        result = pcmk.run(
            'puppet', 'apply', '--detailed-exitcodes', '--color=false',
            '--facts_terminus=memory',
            '--modulepath', MODULES, '--confdir', str(tmp_path / 'conf'),
            '--vardir', str(tmp_path / 'var'),
            '--codedir', str(tmp_path / 'code'), str(site),
            env={'CIB_file': cib})
        # 0: nothing changed, 2: changes applied; 4 and 6: failures.
        assert result.returncode in (0, 2), result.stdout + result.stderr
        return result.returncode

    def monitor_ops() -> list[str]:
        out = pcmk.run('cibadmin', '--query', '--scope', 'resources',
                       env={'CIB_file': cib}).stdout
        return [line.split('interval="')[1].split('"')[0]
                for line in out.splitlines() if 'name="monitor"' in line]

    assert apply() == 2
    assert os.access(tmp_path / 'ocf' / 'resource.d' / 'masakari' / 'api',
                     os.X_OK)
    assert monitor_ops() == ['10s', '10s']
    assert apply(interval=4) == 2
    assert monitor_ops() == ['4s', '4s']
    assert apply(interval=4) == 0
    assert apply(ensure='absent') == 2
    assert monitor_ops() == []
