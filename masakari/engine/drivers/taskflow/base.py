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

"""Base class of masakari's taskflow tasks: progress details and waits."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, TypeVar

from taskflow import task

from masakari.engine import exceptions
from masakari.engine import timing
from masakari.engine.drivers.taskflow import runtime as rt

LOG = logging.getLogger(__name__)
T = TypeVar("T")


class MasakariTask(task.Task):
    """A task with an append-only list of progress details.

    Constructed with keyword arguments context, novaclient and
    optionally runtime and update_host_method (custom tasks may
    accept **kwargs and ignore what they do not need).
    """

    default_provides: Any = None

    def __init__(self, context: Any, novaclient: Any, **kwargs: Any) -> None:
        self.context = context
        self.novaclient = novaclient
        self.update_host_method = kwargs.pop("update_host_method", None)
        runtime = kwargs.pop("runtime", None)
        if runtime is None:
            from masakari import conf as masakari_conf

            runtime = rt.Runtime(conf=masakari_conf.CONF)
        self.runtime: rt.Runtime = runtime
        kwargs.setdefault("name", self.__class__.__name__)
        kwargs.setdefault("provides", self.default_provides)
        super().__init__(**kwargs)
        self._details: list[dict] = []
        self._details_lock = threading.Lock()

    @property
    def conf(self) -> Any:
        return self.runtime.conf

    def update_details(self, message: str, progress: float = 0.0) -> None:
        """Append one progress entry and persist the whole list."""
        entry = {
            "timestamp": str(self.runtime.clock.utcnow()),
            "progress": progress,
            "message": message,
        }
        with self._details_lock:
            self._details.append(entry)
            self.update_progress(progress)

    def update_progress(self, progress: float) -> None:
        # The engine itself reports 0.0/1.0 on state changes; always send
        # the accumulated entries so they are never replaced by nothing.
        progress = min(max(float(progress), 0.0), 1.0)
        self._notifier.notify(
            task.EVENT_UPDATE_PROGRESS,
            {
                "progress": progress,
                "progress_details": list(self._details),
            },
        )

    def wait(
        self, check: Callable[[], T | None], timeout: float, what: str
    ) -> T:
        """Poll check every verify_interval until truthy or timeout."""

        def cancelled() -> Exception:
            return exceptions.RecoveryCancelled(
                notification_uuid=self.runtime.notification_uuid,
                reason="the engine gave up ownership",
            )

        return timing.wait_until(
            check,
            clock=self.runtime.clock,
            timeout=timeout,
            interval=self.conf.verify_interval,
            what=what,
            cancel=self.runtime.cancel,
            on_cancel=cancelled,
        )

    def wait_or_fail(
        self,
        check: Callable[[], T | None],
        timeout: float,
        what: str,
        error: type[Exception],
        message: str,
    ) -> T:
        """:meth:`wait`; on timeout record ``message`` and raise ``error``."""
        try:
            return self.wait(check, timeout, what)
        except exceptions.WaitTimeout as err:
            self.update_details(message, 1.0)
            raise error(reason=message) from err

    def check_cancelled(self) -> None:
        if self.runtime.cancel.is_set():
            raise exceptions.RecoveryCancelled(
                notification_uuid=self.runtime.notification_uuid,
                reason="the engine gave up ownership",
            )
