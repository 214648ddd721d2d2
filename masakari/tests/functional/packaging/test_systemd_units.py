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

"""deploy/systemd: the unit files and the uWSGI configuration.

``systemd-analyze verify`` checks the units as systemd reads them (with
ExecStart pointed at this virtualenv's scripts); the parser checks hold
them to what the programs do: the right script and configuration file,
restart on failure, a stop timeout longer than the program's own
shutdown deadline, a reload only where the program handles SIGHUP.
"""

import configparser
import pathlib
import shutil
import signal
import subprocess
import sys

from oslo_service import _options as service_options
import pytest

from masakari.testing import api_server
from masakari.testing import waits
from masakarimonitors.common import service as monitor_service

pytestmark = pytest.mark.functional

ROOT = pathlib.Path(__file__).resolve().parents[4]
UNITS = ROOT / 'deploy' / 'systemd'
BIN = pathlib.Path(sys.executable).parent
INSTALLED_BIN = '/opt/masakari/venv/bin/'
GRACEFUL_DEFAULT = {o.name: o.default for o in service_options.service_opts
                    }['graceful_shutdown_timeout']

# unit -> (program, configuration file, its own stop deadline, SIGHUP)
PROGRAMS = {
    'masakari-api': ('masakari-api', '/etc/masakari/masakari.conf',
                     GRACEFUL_DEFAULT, False),
    'masakari-engine': ('masakari-engine', '/etc/masakari/masakari.conf',
                        GRACEFUL_DEFAULT, True),
    'masakari-api-uwsgi': ('uwsgi', '/etc/masakari/masakari-api-uwsgi.ini',
                           60, True),
}
for _monitor in ('hostmonitor', 'instancemonitor', 'processmonitor',
                 'introspectiveinstancemonitor'):
    PROGRAMS[f'masakari-{_monitor}'] = (
        f'masakari-{_monitor}', '/etc/masakarimonitors/masakarimonitors.conf',
        monitor_service.STOP_TIMEOUT, True)


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    assert parser.read(UNITS / f'{name}.service'), name
    return parser


def test_every_unit_is_known():
    assert sorted(p.stem for p in UNITS.glob('*.service')) == \
        sorted(PROGRAMS)


@pytest.mark.parametrize('name', sorted(PROGRAMS))
def test_unit_matches_its_program(name):
    program, config_file, deadline, reloads = PROGRAMS[name]
    unit = _unit(name)
    service = unit['Service']
    argv = service['ExecStart'].split()
    assert argv[0] == INSTALLED_BIN + program
    option = '--ini' if program == 'uwsgi' else '--config-file'
    assert argv[1:] == [option, config_file]
    assert service['Restart'] == 'on-failure'
    assert service['KillMode'] == 'mixed'
    assert service['KillSignal'] == 'SIGTERM'
    assert int(service['TimeoutStopSec']) > deadline
    assert ('ExecReload' in service) is reloads
    assert service['User']
    assert 'network-online.target' in unit['Unit']['After'].split()
    assert unit['Install']['WantedBy'] == 'multi-user.target'


def test_api_variants_exclude_each_other():
    assert _unit('masakari-api')['Unit']['Conflicts'] == \
        'masakari-api-uwsgi.service'
    assert _unit('masakari-api-uwsgi')['Unit']['Conflicts'] == \
        'masakari-api.service'


def test_systemd_analyze_verify(tmp_path):
    analyze = shutil.which('systemd-analyze')
    if analyze is None:
        pytest.skip('systemd-analyze is not installed (Debian: systemd)')
    for unit in UNITS.glob('*.service'):
        text = unit.read_text().replace(INSTALLED_BIN, f'{BIN}/')
        (tmp_path / unit.name).write_text(text)
    units = sorted(str(p) for p in tmp_path.glob('*.service'))
    result = subprocess.run([analyze, 'verify', '--man=no', *units],
                            capture_output=True, text=True, timeout=120)
    # Unknown keys and bad values are only warnings: any output fails.
    assert result.returncode == 0 and not result.stderr.strip(), \
        result.stderr


def _uwsgi_ini(tmp_path: pathlib.Path, port: int, config: str) -> str:
    """The shipped ini with this virtualenv, a free port, a test config."""
    replace = {
        'home': sys.prefix,
        'http-socket': f'127.0.0.1:{port}',
        'env': f'MASAKARI_CONFIG_FILES={config}',
    }
    lines = []
    for line in (UNITS / 'masakari-api-uwsgi.ini').read_text().splitlines():
        key = line.split('=', 1)[0].strip()
        if key in replace:
            line = f'{key} = {replace.pop(key)}'
        lines.append(line)
    assert not replace, replace
    path = tmp_path / 'uwsgi.ini'
    path.write_text('\n'.join(lines) + '\n')
    return str(path)


def test_uwsgi_ini_serves_and_stops_on_sigterm(tmp_path):
    uwsgi = BIN / 'uwsgi'
    if not uwsgi.exists():
        pytest.skip('uwsgi is not installed (pip install uWSGI)')
    from masakari.db import migration
    url = f'sqlite:///{tmp_path}/u.sqlite'
    migration.db_sync(url=url, taskflow_connection=None)
    server = api_server.ApiServer(str(tmp_path), url)
    server.port = waits.free_port()
    ini = _uwsgi_ini(tmp_path, server.port, server.write_config())
    log_path = tmp_path / 'uwsgi.log'
    with open(log_path, 'wb') as log:
        proc = subprocess.Popen([str(uwsgi), '--ini', ini], cwd=tmp_path,
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        assert waits.poll(lambda: server.ready() or proc.poll() is not None,
                          60) and proc.poll() is None, log_path.read_text()
        proc.send_signal(signal.SIGTERM)
        # The ini's hook turns SIGTERM into a graceful shutdown: uWSGI
        # exits by itself (uWSGI 2.0 would otherwise reload).
        assert proc.wait(60) == 0, log_path.read_text()
        assert 'gracefully killing' in log_path.read_text().lower()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
