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

from oslo_config import cfg
from oslo_log import log as logging

from masakarimonitors.common import dispatch

LOG = logging.getLogger(__name__)


class Manager:
    """``init_host()`` once, ``main()`` blocks until ``stop()``.

    ``stop()`` may be called from any thread; loops wait on
    ``self.stop_event`` (never a bare sleep) so they end promptly.
    """

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf
        self.stop_event = threading.Event()
        self.notifier = None
        self.dispatcher = None

    @classmethod
    def from_context(cls, context) -> "Manager":
        """Build the manager of a daemon from its ``MonitorContext``."""
        return cls(context.conf, notifier=context.notifier)

    def _use_sender(self, notifier, workers: int = 2,
                    max_pending: int = 1000, name: str = "notify") -> None:
        """Set up ``self.notifier`` and its send pool."""
        if notifier is None:
            raise ValueError(f"{type(self).__name__} needs a notifier")
        self.notifier = notifier
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
