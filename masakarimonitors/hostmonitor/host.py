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

"""The hostmonitor manager: loads and runs one host monitoring driver."""

from __future__ import annotations

import logging
import os
import sys
from typing import Callable

from oslo_config import cfg
from stevedore import driver as stevedore_driver

from masakarimonitors.common import manager

LOG = logging.getLogger(__name__)

NAMESPACE = "hostmonitor.driver"


def load_driver(name: str, conf: cfg.ConfigOpts, notifier):
    """Instantiate the ``hostmonitor.driver`` entry point ``name``.

    The driver gets the daemon's configuration and notifier as the
    keyword arguments ``conf`` and ``notifier``.
    """
    return stevedore_driver.DriverManager(
        namespace=NAMESPACE, name=name, invoke_on_load=True,
        invoke_kwds={"conf": conf, "notifier": notifier}).driver


class HostmonitorManager(manager.Manager):
    """Loads the configured driver and runs its monitoring loop.

    The driver sends through the notifier itself (its reporter), so the
    manager does not start a send pool of its own.
    """

    def __init__(self, conf: cfg.ConfigOpts, notifier=None,
                 loader: Callable[..., object] = load_driver,
                 exit_process: Callable[[int], None] = os._exit) -> None:
        super().__init__(conf)
        self.host_notifier = notifier
        self._loader = loader
        self._exit = exit_process
        self.driver = None

    def init_host(self) -> None:
        """Load a fresh driver; a driver that cannot load ends the daemon."""
        name = self.conf.host.monitoring_driver
        if self.host_notifier is not None:
            # A SIGHUP restart follows a stop that closed the notifier.
            self.host_notifier.reopen()
        try:
            self.driver = self._loader(name, self.conf, self.host_notifier)
        except Exception as exc:
            # One clear line, no traceback, in the log and on stderr (the
            # log goes to stdout or a file): the usual causes are a typo in
            # the option or a driver that cannot reach its backend.
            message = (f"Cannot load host monitoring driver {name!r} "
                       f"([host] monitoring_driver): {exc}")
            LOG.error("%s", message)
            sys.stderr.write(f"masakarimonitors-hostmonitor: {message}\n")
            sys.stderr.flush()
            self._exit(1)

    def main(self) -> None:
        if self.driver is None:
            return
        try:
            self.driver.monitor_hosts()
        except Exception:
            LOG.exception("Host monitoring ended with an error")

    def stop(self) -> None:
        super().stop()
        if self.driver is not None:
            self.driver.stop()
