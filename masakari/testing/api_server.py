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

"""Run a real ``masakari-api`` process on a free loopback port (tests, bench).

Every wait is a deadline with polling; every started process is stopped by
its own pid.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

from masakari.testing import waits

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PASTE = os.path.join(REPO, 'etc', 'masakari', 'api-paste.ini')


class ApiServer:
    """masakari-api with noauth2, the given database and extra options."""

    def __init__(self, workdir: str, db_url: str, workers: int = 1,
                 extra: dict[str, dict[str, str]] | None = None) -> None:
        self.workdir = workdir
        self.db_url = db_url
        self.workers = workers
        self.extra = extra or {}
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = os.path.join(workdir, 'masakari-api.log')

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    def write_config(self) -> str:
        sections: dict[str, dict[str, str]] = {
            'DEFAULT': {
                'auth_strategy': 'noauth2',
                'masakari_api_listen': '127.0.0.1',
                'masakari_api_listen_port': str(self.port),
                'masakari_api_workers': str(self.workers),
                'transport_url': 'fake://',
                'graceful_shutdown_timeout': '10',
            },
            'database': {'connection': self.db_url},
            'wsgi': {'api_paste_config': PASTE},
        }
        for section, values in self.extra.items():
            sections.setdefault(section, {}).update(values)
        path = os.path.join(self.workdir, 'masakari.conf')
        with open(path, 'w') as f:
            for section, values in sections.items():
                f.write(f'[{section}]\n')
                for key, value in values.items():
                    f.write(f'{key} = {value}\n')
        return path

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + '/', timeout=1) as resp:
                return resp.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def start(self, timeout: float = 30.0) -> ApiServer:
        for _ in range(3):  # the free port may be taken in between
            self.port = waits.free_port()
            config = self.write_config()
            log = open(self.log_path, 'ab')
            self.proc = subprocess.Popen(
                [sys.executable, '-m', 'masakari.cmd.api',
                 '--config-file', config],
                cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
            log.close()
            if waits.poll(lambda: self.ready() or self.proc.poll()
                          is not None, timeout) and self.proc.poll() is None:
                return self
            self.stop()
        raise RuntimeError(f'masakari-api did not start; see '
                           f'{self.log_path}')

    def stop(self, timeout: float = 20.0) -> int | None:
        proc, self.proc = self.proc, None
        return terminate(proc, timeout)

    def log(self) -> str:
        with open(self.log_path, errors='replace') as f:
            return f.read()


def terminate(proc: subprocess.Popen | None,
              timeout: float) -> int | None:
    """SIGTERM ``proc``, SIGKILL it after ``timeout``; its exit status."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait(timeout)
    return proc.returncode
