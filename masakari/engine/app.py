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

"""The engine's application context: every long-lived part, built once.

masakari-engine builds one :class:`EngineApp` from its configuration and
hands it to the service, the manager and the recovery driver; nothing in
the engine keeps service state in module globals. Parts that open
connections or start threads do so on first use, and :meth:`close` ends
them.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from masakari import notifications
from masakari import rpc
from masakari.common import coordination as coordination_mod
from masakari.common import metrics as metrics_mod
from masakari.compute import session as nova_session
from masakari.engine import driver_api
from masakari.engine import timing

LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class EngineApp:
    """Config, DB API, RPC transports, Nova sessions, locks, fencer, pools.

    Tests build one with the parts they replace (a fake clock, an
    in-memory DB); :meth:`build` is what the engine service uses.
    """

    conf: Any
    db: Any
    clock: timing.Clock = dataclasses.field(default_factory=timing.Clock)
    fencer: Any = None
    transports: rpc.Transports | None = None
    sessions: nova_session.SessionCache = dataclasses.field(
        default_factory=nova_session.SessionCache
    )
    coordination: coordination_mod.Coordination | None = None
    pools: driver_api.EvacuationPools | None = None
    locks: driver_api.EngineLocks | None = None
    metrics: metrics_mod.Metrics = dataclasses.field(
        default_factory=metrics_mod.Metrics
    )
    # Versioned notifications on ``transports`` (set from them).
    emitter: notifications.Emitter = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        if self.transports is None:
            self.transports = rpc.Transports(self.conf)
        self.emitter = notifications.Emitter(self.transports)
        if self.coordination is None:
            self.coordination = coordination_mod.Coordination(self.conf)
        if self.pools is None:
            self.pools = driver_api.EvacuationPools(
                self.conf.max_concurrent_evacuations
            )
        if self.locks is None:
            self.locks = driver_api.EngineLocks(
                shared=self.coordination.engine_lock
            )

    @classmethod
    def build(cls, conf: Any) -> EngineApp:
        """The engine's parts for ``conf`` (fence devices checked now)."""
        from masakari.db import api as db_api

        return cls(conf=conf, db=db_api.DBAPI.from_conf(conf),
                   fencer=load_fencer(conf))

    def nova_api(self) -> Any:
        """A Nova API client on this engine's sessions."""
        from masakari.compute import nova

        return nova.API(conf=self.conf, sessions=self.sessions)

    def load_driver(self) -> Any:
        """The configured recovery driver, talking to Nova through us."""
        return load_driver(self)

    def runtime(
        self, notification_uuid: str, store: Any, cancel: Any
    ) -> driver_api.RecoveryRuntime:
        """What the driver gets for one notification."""
        return driver_api.RecoveryRuntime(
            conf=self.conf,
            store=store,
            pools=self.pools,  # type: ignore[arg-type] # set on init
            locks=self.locks,  # type: ignore[arg-type]
            clock=self.clock,
            cancel=cancel,
            notification_uuid=notification_uuid,
            fencer=self.fencer,
            metrics=self.metrics,
        )

    def close(self) -> None:
        """Stop what runs in the background; best effort, in order."""
        self.metrics.stop()
        if self.pools is not None:
            self.pools.shutdown()
        if self.fencer is not None:
            self.fencer.close()
        if self.coordination is not None:
            self.coordination.stop()
        dispose = getattr(self.db, "dispose", None)
        if dispose is not None:
            dispose()
        if self.transports is not None:
            self.transports.cleanup()


def load_fencer(conf: Any) -> Any:
    """The fence devices of [fencing] config_file, or None without one."""
    path = conf.fencing.config_file
    if not path:
        return None
    from masakari.engine.fencing import fencer as fencer_mod

    fencer = fencer_mod.Fencer.from_file(path)
    LOG.info("Fence devices loaded from %s", path)
    return fencer


def load_driver(app: EngineApp) -> Any:
    """DEFAULT notification_driver, built with the engine's config."""
    from masakari.engine import exceptions

    name = app.conf.notification_driver
    if not name:
        raise exceptions.InvalidRecoveryFlowConfig(
            group="DEFAULT", option="notification_driver", reason="empty"
        )
    if name == "taskflow_driver":
        from masakari.engine.drivers.taskflow import TaskFlowDriver

        return TaskFlowDriver(conf=app.conf, nova_api=app.nova_api())
    from stevedore import driver as sd_driver

    return sd_driver.DriverManager(
        "masakari.driver",
        name,
        invoke_on_load=True,
        invoke_kwds={"conf": app.conf},
    ).driver
