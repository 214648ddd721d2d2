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

"""Common polling loop of the host monitoring drivers."""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from oslo_config import cfg

from masakarimonitors.hostmonitor import reporter as reporter_mod

LOG = logging.getLogger(__name__)

SHUTDOWN_FLUSH_TIMEOUT = 5.0
MIN_IDLE_STEP = 1.0


class PollingDriver:
    """Base of the drivers: ``monitor_hosts()`` runs ``run_cycle()``
    every ``[host] monitoring_interval`` seconds until ``stop()``, and
    ``idle_work()`` in between when ``idle_poll()`` asks for it.

    Args:
        conf: the daemon's parsed option object.
        send: callable delivering one notification (tests); when omitted,
            ``notifier.send`` is used.
        notifier: the daemon's notifier; closed by ``stop()`` so retry
            waits end at once (unsent notifications stay spooled).
        clock: wall clock in epoch seconds.
        wait: waits up to N seconds, returns True when stopped early.
    """

    def __init__(self, conf: cfg.ConfigOpts,
                 send: Callable[[dict], bool] | None = None,
                 clock: Callable[[], float] = time.time,
                 wait: Callable[[float], bool] | None = None,
                 notifier=None) -> None:
        if send is None and notifier is None:
            raise ValueError("a host monitoring driver needs a notifier "
                             "(or a send callable)")
        self.conf = conf
        self._stopped = threading.Event()
        self.clock = clock
        self.wait = wait if wait is not None else self._stopped.wait
        self._send = send if send is not None else notifier.send
        self._notifier = notifier
        self._reporter: reporter_mod.Reporter | None = None

    @property
    def running(self) -> bool:
        return not self._stopped.is_set()

    @property
    def reporter(self) -> reporter_mod.Reporter:
        if self._reporter is None:
            self._reporter = reporter_mod.Reporter(self._send)
        return self._reporter

    def report(self, notification: dict) -> None:
        LOG.info("Reporting %s of %s: %s", notification["type"],
                 notification["hostname"], notification["payload"])
        self.reporter.submit(notification)

    def run_cycle(self) -> None:
        """One full check of every host."""
        raise NotImplementedError

    def idle_poll(self) -> float | None:
        """Seconds until ``idle_work()`` is due between two full checks;
        None when there is nothing to do meanwhile."""
        return None

    def idle_work(self) -> None:
        """Light work between full checks (e.g. waiting for fencing)."""

    def monitor_hosts(self) -> None:
        while self.running:
            try:
                self.run_cycle()
            except Exception:  # one bad cycle must not end the daemon
                LOG.exception("Host monitoring cycle failed")
            self._idle(self.conf.host.monitoring_interval)

    def _idle(self, interval: float) -> None:
        deadline = self.clock() + interval
        for _ in range(int(interval / MIN_IDLE_STEP) + 1):
            remaining = deadline - self.clock()
            if remaining <= 0 or not self.running:
                return
            step = self.idle_poll()
            if step is None or step >= remaining:
                self.wait(remaining)
                return
            if self.wait(max(step, MIN_IDLE_STEP)):
                return
            try:
                self.idle_work()
            except Exception:
                LOG.exception("Host monitoring idle work failed")

    def stop(self) -> None:
        self._stopped.set()
        if self._notifier is not None:
            # Retry waits end now; unsent notifications stay spooled.
            self._notifier.close()
        if self._reporter is not None:
            self._reporter.close(SHUTDOWN_FLUSH_TIMEOUT)
