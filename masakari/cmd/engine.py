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

"""masakari-engine: runs recoveries (oslo.service, threading backend)."""

from __future__ import annotations

import sys

from oslo_service import backend


def main(argv: list[str] | None = None) -> None:
    backend.init_backend(backend.BackendType.THREADING)
    from oslo_service import service

    from masakari.common import config
    from masakari.engine import app as app_mod
    from masakari.engine import exceptions
    from masakari.engine import service as engine_service

    argv = list(sys.argv if argv is None else argv)
    conf = config.parse_args(argv)
    config.setup_logging(conf)
    try:
        from masakari.engine.drivers.taskflow import flows

        flows.validate(conf, flows.TaskRegistry())
    except exceptions.InvalidRecoveryFlowConfig as err:
        sys.stderr.write(f"masakari-engine: {err}\n")
        sys.exit(1)
    # The engine's parts, wired once: config, DB API, RPC transports,
    # Nova sessions, coordination, fence devices and evacuation threads.
    # Connections and threads start on first use, in the service.
    app = app_mod.EngineApp.build(conf)
    launcher = service.launch(
        conf, engine_service.make_service(conf, app), restart_method="mutate"
    )
    sys.exit(launcher.wait())


if __name__ == "__main__":
    main()
