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

"""masakari-api: serve the REST API (``--config-file`` like every service)."""

from __future__ import annotations

import os
import sys

from oslo_config import cfg
from oslo_service import _options as service_options

from masakari.api import loader
from masakari.api import server
from masakari.common import config
from masakari import conf as masakari_conf


def _register_service_opts(conf: cfg.ConfigOpts) -> None:
    """graceful_shutdown_timeout (oslo.service's option) bounds draining."""
    try:
        conf.register_opts(service_options.service_opts)
    except cfg.DuplicateOptError:  # pragma: no cover - already registered
        pass


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    _register_service_opts(masakari_conf.CONF)
    conf = config.parse_args(argv)
    config.setup_logging(conf)
    workers = conf.masakari_api_workers or os.cpu_count() or 1
    if workers == 1:
        app = loader.load_app(conf)
        server.serve(server.make_server(conf, app))
        return
    host = conf.masakari_api_listen
    port = conf.masakari_api_listen_port
    sock = server.listen_socket(host, port)

    def child() -> None:
        app = loader.load_app(conf)
        server.serve(server.make_server(conf, app, sock=sock))

    sys.exit(server.Supervisor(workers, child).run())


if __name__ == '__main__':
    main()
