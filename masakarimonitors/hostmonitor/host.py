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

from stevedore import driver as stevedore_driver

from masakarimonitors.common import manager

LOG = logging.getLogger(__name__)

NAMESPACE = "hostmonitor.driver"


def load_driver(name: str):
    """Instantiate the ``hostmonitor.driver`` entry point ``name``."""
    return stevedore_driver.DriverManager(
        namespace=NAMESPACE, name=name, invoke_on_load=True).driver


class HostmonitorManager(manager.Manager):
    def __init__(self, conf=None,
                 loader: Callable[[str], object] = load_driver,
                 exit_process: Callable[[int], None] = os._exit) -> None:
        if conf is None:
            super().__init__()
        else:
            super().__init__(conf)
        self._loader = loader
        self._exit = exit_process
        self.driver = None

    def init_host(self) -> None:
        """Load a fresh driver; a driver that cannot load ends the daemon."""
        name = self.conf.host.monitoring_driver
        try:
            self.driver = self._loader(name)
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
