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

"""The masakari-engine service: RPC server, manager, periodic work.

Everything that needs threads or connections is created in start(), which
runs in the worker process the oslo.service launcher starts.
"""

from __future__ import annotations

import logging
import os
import tempfile
from typing import Any

import oslo_messaging as messaging

from masakari.common import metrics as metrics_mod
from masakari.engine import app as app_mod
from masakari.engine import manager as manager_mod
from masakari.engine import periodic as periodic_mod
from masakari.engine.policy import watch as watch_mod

LOG = logging.getLogger(__name__)
TOPIC = "ha_engine"
# Seconds kept back from graceful_shutdown_timeout to hand work back.
SHUTDOWN_MARGIN = 5


def check_tempdir(conf: Any) -> None:
    """Fail start-up early when the temp dir is not writable."""
    directory = conf.tempdir or tempfile.gettempdir()
    with tempfile.NamedTemporaryFile(dir=directory):
        pass


def rpc_target(conf: Any) -> messaging.Target:
    return messaging.Target(
        topic=conf.masakari_topic or TOPIC,
        server=conf.host,
        version=manager_mod.MasakariManager.target.version,
    )


def manager_class(conf: Any) -> type:
    """[DEFAULT] engine_manager: the manager class masakari-engine builds."""
    from oslo_utils import importutils

    cls = importutils.import_class(conf.engine_manager)
    if not (isinstance(cls, type)
            and issubclass(cls, manager_mod.MasakariManager)):
        raise TypeError(
            f"[DEFAULT] engine_manager {conf.engine_manager} is not a "
            "subclass of masakari.engine.manager.MasakariManager")
    return cls


class EngineRunner:
    """Builds and runs the engine parts (also used by the all-in-one)."""

    def __init__(
        self,
        conf: Any,
        manager: Any = None,
        rpc_server_factory: Any = None,
        context_factory: Any = None,
        app: app_mod.EngineApp | None = None,
    ) -> None:
        """``app``: the engine's parts; built from ``conf`` at start when
        not given (and then closed by the manager at stop)."""
        self.conf = conf
        self.app = app
        self.manager = manager
        self._rpc_server_factory = rpc_server_factory
        if context_factory is None:
            from masakari import context as masakari_context

            context_factory = masakari_context.get_admin_context
        self.context_factory = context_factory
        self.rpc_server: Any = None
        self.periodic: periodic_mod.Periodic | None = None
        self.capacity_watch: watch_mod.CapacityWatch | None = None

    def start(self) -> None:
        check_tempdir(self.conf)
        if self.manager is None:
            if self.app is None:
                self.app = app_mod.EngineApp.build(self.conf)
            self.manager = manager_class(self.conf)(self.app)
        self.manager.start()
        factory = self._rpc_server_factory
        if factory is None:
            factory = self.manager.app.transports.server
        self.rpc_server = factory(
            rpc_target(self.conf), [manager_mod.EngineEndpoint(self.manager)]
        )
        self.rpc_server.start()
        self.periodic = periodic_mod.Periodic(
            self.manager, self.context_factory
        )
        self.periodic.start()
        app = getattr(self.manager, "app", None)
        if app is not None:
            metrics_mod.serve_from_conf(app.metrics, self.conf, "engine")
            if self.conf.host_failure.failover_capacity_check_interval:
                self.capacity_watch = watch_mod.CapacityWatch(
                    self.conf, app.db, app.nova_api(), app.clock,
                    self.context_factory)
                self.capacity_watch.start()
        LOG.info(
            "masakari-engine started on host %s (pid %d)",
            self.conf.host,
            os.getpid(),
        )

    def stop(self, timeout: float | None = None) -> None:
        if timeout is None:
            timeout = max(
                0,
                (self.conf.graceful_shutdown_timeout or 60) - SHUTDOWN_MARGIN,
            )
        if self.rpc_server is not None:
            try:
                self.rpc_server.stop()
                self.rpc_server.wait()
            except Exception:  # noqa: BLE001 - shutting down anyway
                LOG.exception("Stopping the RPC server failed")
            self.rpc_server = None
        if self.periodic is not None:
            self.periodic.stop()
        if self.capacity_watch is not None:
            self.capacity_watch.stop()
        if self.manager is not None:
            self.manager.stop(timeout)
        LOG.info("masakari-engine stopped")


def make_service(conf: Any, app: app_mod.EngineApp | None = None) -> Any:
    """An oslo.service Service wrapping EngineRunner (threading backend)."""
    from oslo_service import service

    class EngineService(service.Service):
        def __init__(self) -> None:
            super().__init__()
            self.runner = EngineRunner(conf, app=app)

        def start(self) -> None:
            super().start()
            self.runner.start()

        def stop(self, graceful: bool = False) -> None:
            self.runner.stop()
            super().stop(graceful)

        def reset(self) -> None:
            # SIGHUP (restart_method='mutate'): mutable options are read
            # where used, nothing to rebuild.
            pass

    return EngineService()
