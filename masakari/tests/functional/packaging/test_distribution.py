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

"""The installed distribution: its version and its console scripts.

The version is declared in setup.cfg; every console script must report
exactly that one with ``--version`` and exit 0, without a configuration
file, a database or a broker.
"""

import configparser
from importlib import metadata
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from masakari import version as masakari_version
from masakarimonitors import version as monitors_version

pytestmark = pytest.mark.functional

ROOT = pathlib.Path(__file__).resolve().parents[4]


def _setup_cfg() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    assert parser.read(ROOT / 'setup.cfg')
    return parser


def _console_scripts() -> list[str]:
    lines = _setup_cfg().get('entry_points', 'console_scripts').splitlines()
    return [line.split('=')[0].strip() for line in lines if line.strip()]


DECLARED = _setup_cfg().get('metadata', 'version')


def _installed(code: str, tmp_path: pathlib.Path) -> str:
    """Run ``code`` with the installed distribution: from an empty
    directory, so a stale ``masakari.egg-info`` left in the source tree
    by some build is not what importlib.metadata finds."""
    result = subprocess.run([sys.executable, '-P', '-c', code], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_declared_version_is_a_release(tmp_path):
    installed = _installed(
        'from importlib import metadata; print(metadata.version("masakari"))',
        tmp_path)
    assert installed == DECLARED, (
        'installed metadata is stale: run pip install -e . again')
    assert all(part.isdigit() for part in DECLARED.split('.'))


def test_both_packages_report_the_declared_version(tmp_path):
    assert _installed(
        'from masakari import version as a\n'
        'from masakarimonitors import version as b\n'
        'print(a.version_string(), b.version_string())', tmp_path
    ) == f'{DECLARED} {DECLARED}'


@pytest.mark.parametrize('module', [masakari_version, monitors_version])
def test_source_tree_fallback(module, monkeypatch):
    def missing(name):
        raise metadata.PackageNotFoundError(name)
    monkeypatch.setattr(metadata, 'version', missing)
    assert module.version_string() == DECLARED


def test_every_service_and_monitor_has_a_console_script():
    scripts = set(_console_scripts())
    assert {'masakari-api', 'masakari-engine', 'masakari-manage',
            'masakari-status', 'masakari-hostmonitor',
            'masakari-instancemonitor', 'masakari-processmonitor',
            'masakari-introspectiveinstancemonitor'} <= scripts


@pytest.mark.parametrize('script', _console_scripts())
def test_version_option(script, tmp_path):
    path = pathlib.Path(sys.executable).parent / script
    assert path.exists(), f'{script} is not installed next to {sys.executable}'
    # An empty HOME and working directory: no configuration file is found.
    env = dict(os.environ, HOME=str(tmp_path))
    result = subprocess.run([str(path), '--version'], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == DECLARED, (result.stdout, result.stderr)


def test_clone_without_tags_builds_the_declared_version(tmp_path):
    """pbr alone would make an untagged checkout a .devN pre-release."""
    if not (ROOT / '.git').exists() or shutil.which('git') is None:
        pytest.skip('not a git checkout')
    clone = tmp_path / 'clone'
    subprocess.run(['git', 'clone', '-q', '--no-tags', str(ROOT), str(clone)],
                   check=True, timeout=300)
    assert subprocess.run(['git', 'tag'], cwd=clone, capture_output=True,
                          text=True, check=True).stdout == ''
    env = {k: v for k, v in os.environ.items()
           if k not in ('PBR_VERSION', 'OSLO_PACKAGE_VERSION')}
    result = subprocess.run([sys.executable, 'setup.py', '--version'],
                            cwd=clone, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == DECLARED


def test_monitors_extra_brings_libvirt(tmp_path):
    requires = _installed(
        'from importlib import metadata\n'
        'd = metadata.distribution("masakari")\n'
        'print([r for r in d.requires if "extra == \\"monitors\\"" in r],'
        ' d.metadata.get_all("Provides-Extra"))', tmp_path)
    assert requires.startswith("['libvirt-python>="), requires
    assert "'monitors'" in requires.split('] ', 1)[1]
