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
from typing import Any

from oslo_config import cfg

from masakari.api import appctx
from masakari.api import loader
from masakari.api import server
from masakari.api import tls
from masakari.common import config
from masakari.common import metrics


def _serve(conf: cfg.ConfigOpts, sock: Any = None, slot: int = 0) -> None:
    """Build the application context, load the pipeline with it, serve.

    ``slot``: the worker's place; with [metrics] enabled, worker N serves
    its metrics on api_port + N.
    """
    context = appctx.AppContext(conf)
    try:
        metrics.serve_from_conf(context.metrics, conf, 'api', offset=slot)
        app = loader.load_app(context)
        server.serve(server.make_server(conf, app, sock=sock))
    finally:
        context.close()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    conf = config.parse_args(argv)
    config.setup_logging(conf)
    if conf.use_ssl:
        # Checked once here, before any worker starts: a worker failing on
        # it would only be respawned, again and again.
        try:
            tls.adapter_from_conf(conf)
        except tls.TLSConfigError as exc:
            sys.stderr.write(f'masakari-api: {exc}\n')
            sys.exit(1)
    workers = conf.masakari_api_workers or os.cpu_count() or 1
    if workers == 1:
        _serve(conf)
        return
    host = conf.masakari_api_listen
    port = conf.masakari_api_listen_port
    sock = server.listen_socket(host, port)
    server.set_keepalive(conf, sock)

    def child(slot: int) -> None:
        # Each worker builds its own context after the fork: database
        # pools, RPC connections and coordination sessions are not shared
        # between processes.
        _serve(conf, sock, slot)

    sys.exit(server.Supervisor(workers, child).run())


if __name__ == '__main__':
    main()
