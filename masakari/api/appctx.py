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

"""Everything the API service shares between requests, built once.

``masakari-api`` and the ``masakari.wsgi.api:application`` entry point
each build one :class:`AppContext` from the parsed configuration and hand
it to the paste pipeline through the loader; every filter and application
gets it from its factory and the handlers reach it as ``req.app``. Nothing
in the API keeps service state at module level, so two applications (a
test's and a benchmark's, or two configurations) never share any.
"""

from __future__ import annotations

from typing import Any, Callable

from oslo_config import cfg
from oslo_middleware import sizelimit as oslo_sizelimit

from masakari.common import metrics as metrics_mod
from masakari.db import api as db_api
from masakari.ha import compute
from masakari.ha import notifications
from masakari.ha import recovery_plans
from masakari import notifications as versioned
from masakari import rpc
from masakari import policy

# The key of the application context in paste's global configuration.
PASTE_KEY = 'masakari.app_context'


class AppContext:
    """Configuration, DB API, policy enforcer, notification intake (with
    its engine RPC client and coordination locks) and the Nova check."""

    def __init__(self, conf: cfg.ConfigOpts, *, db: Any = None,
                 engine_api: Any = None,
                 compute_checker: Callable[[Any, str], None] | None = None,
                 enforcer: policy.Enforcer | None = None,
                 metrics: metrics_mod.Metrics | None = None,
                 background_casts: bool = True,
                 recovery_planner: Any = None) -> None:
        """``background_casts``: the intake tells the engine after
        answering (False: before, as tests with a fake engine want)."""
        register_middleware_opts(conf)
        self.conf = conf
        # The database of [database] connection unless one is given (a
        # test's); the context closes only the one it opened.
        self._own_db = db is None
        self.db = db_api.DBAPI.from_conf(conf) if db is None else db
        self.metrics = metrics or metrics_mod.Metrics()
        self.transports = rpc.Transports(conf)
        self.emitter = versioned.Emitter(self.transports)
        self.enforcer = enforcer or policy.make_enforcer(conf)
        self.intake = notifications.Intake(conf, self.db,
                                           engine_api=engine_api,
                                           metrics=self.metrics,
                                           transports=self.transports,
                                           emitter=self.emitter,
                                           background_casts=background_casts)
        self.compute_check = compute_checker or compute.NovaCheck(conf)
        self.recovery_planner = recovery_planner or \
            recovery_plans.Planner(conf)

    def close(self) -> None:
        """Release what the context holds (the coordination backend, the
        metrics endpoint, the database connections it opened)."""
        self.intake.stop()
        self.metrics.stop()
        self.transports.cleanup()
        if self._own_db:
            self.db.dispose()


def register_middleware_opts(conf: cfg.ConfigOpts) -> None:
    """oslo.middleware's body size limit, read by the sizelimit filter.

    Registered once here, not on a request: registering flushes
    oslo.config's value cache.
    """
    try:
        conf.register_opts(oslo_sizelimit.OPTS, group='oslo_middleware')
    except cfg.DuplicateOptError:  # pragma: no cover - defined differently
        pass


def from_paste(global_conf: dict) -> AppContext:
    """The context the loader handed to the paste pipeline."""
    try:
        return global_conf[PASTE_KEY]
    except KeyError:
        raise LookupError('the paste pipeline was not loaded through '
                          'masakari.api.loader') from None
