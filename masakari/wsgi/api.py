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

"""WSGI entry point for uwsgi/gunicorn/mod_wsgi: ``application``.

The configuration is read on first use (``--config-file`` style paths can
be given with the ``MASAKARI_CONFIG_FILES`` environment variable, separated
by commas; otherwise /etc/masakari/masakari.conf if present).
"""

from __future__ import annotations

import os
import threading
from typing import Any, Callable, Iterable

DEFAULT_CONFIG = '/etc/masakari/masakari.conf'


def _config_files() -> list[str]:
    env = os.environ.get('MASAKARI_CONFIG_FILES')
    if env:
        return [p for p in env.split(',') if p]
    return [DEFAULT_CONFIG] if os.path.exists(DEFAULT_CONFIG) else []


def init_application() -> Any:
    """Parse configuration, set up logging, build the application context
    and the paste app with it."""
    from masakari.api import appctx
    from masakari.api import loader
    from masakari.common import config

    args = ['masakari-wsgi']
    for path in _config_files():
        args += ['--config-file', path]
    conf = config.parse_args(args)
    config.setup_logging(conf)
    return loader.load_app(appctx.AppContext(conf))


class LazyApplication:
    """The WSGI callable the server imports; the real application is
    built on the first request, after the server forked its workers."""

    def __init__(self, build: Callable[[], Any] = init_application) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._app: Any = None

    def get(self) -> Any:
        with self._lock:
            if self._app is None:
                self._app = self._build()
            return self._app

    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        return self.get()(environ, start_response)


application = LazyApplication()
