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

"""Base class of the four monitor managers."""

import socket
import threading

from oslo_log import log as logging

from masakarimonitors.common import dispatch
from masakarimonitors.common import notifier as notifier_mod
from masakarimonitors.conf import CONF

LOG = logging.getLogger(__name__)


class Manager:
    """``init_host()`` once, ``main()`` blocks until ``stop()``.

    ``stop()`` may be called from any thread; loops wait on
    ``self.stop_event`` (never a bare sleep) so they end promptly.
    """

    def __init__(self, conf=CONF) -> None:
        self.conf = conf
        self.stop_event = threading.Event()
        self.notifier = None
        self.dispatcher = None

    def _use_sender(self, notifier, retry_max: int, retry_interval: float,
                    workers: int = 2, max_pending: int = 1000,
                    name: str = "notify") -> None:
        """Set up ``self.notifier`` (given or built) and its send pool."""
        self.notifier = notifier or notifier_mod.Notifier(
            retry_max, retry_interval, conf=self.conf)
        self.dispatcher = dispatch.Dispatcher(
            self.notifier.send, workers=workers, max_pending=max_pending,
            name=name)

    def _start_sending(self) -> None:
        if self.notifier is not None:
            for hook in ("reopen", "warm_up"):
                getattr(self.notifier, hook, lambda: None)()
            self.dispatcher.start()

    def _stop_sending(self) -> None:
        if self.notifier is not None:
            getattr(self.notifier, "close", lambda: None)()
            left = self.dispatcher.stop()
            defer = getattr(self.notifier, "defer", None)
            for notification in left:
                if defer is None or not defer(notification):
                    LOG.error("Notification lost at shutdown: %s",
                              notification)

    @property
    def hostname(self) -> str:
        """``[DEFAULT] hostname``, or the system name when left empty."""
        return self.conf.hostname or socket.gethostname()

    @property
    def running(self) -> bool:
        return not self.stop_event.is_set()

    def init_host(self) -> None:
        """Prepare before ``main()``; default: nothing."""

    def main(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self.stop_event.set()
        self._stop_sending()

    def reset(self) -> None:
        """Called on SIGHUP between stop and restart: re-arm."""
        self.stop_event = threading.Event()
