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

"""What a recovery flow needs besides Nova: config, clock, DB, cancel."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from masakari.engine import timing

_CAP_LOCK = threading.Lock()
_CAPS: dict[int, threading.BoundedSemaphore] = {}


def evacuation_cap(limit: int) -> threading.BoundedSemaphore:
    """The process-wide semaphore bounding concurrent evacuations."""
    with _CAP_LOCK:
        sem = _CAPS.get(limit)
        if sem is None:
            sem = threading.BoundedSemaphore(limit)
            _CAPS[limit] = sem
        return sem


def _default_db() -> Any:
    from masakari.db import api as db_api

    return db_api


@dataclasses.dataclass
class Runtime:
    """Shared by all tasks of one flow run.

    cancel is set when the engine lost the notification's lease or is
    shutting down: waits stop at once and work is left for the next owner.
    """

    conf: Any
    clock: timing.Clock = dataclasses.field(default_factory=timing.Clock)
    db: Any = None
    cancel: threading.Event = dataclasses.field(
        default_factory=threading.Event
    )
    notification_uuid: str = "-"
    cap: threading.BoundedSemaphore | None = None

    def __post_init__(self) -> None:
        if self.db is None:
            self.db = _default_db()
        if self.cap is None:
            limit = getattr(self.conf, "max_concurrent_evacuations", 64) or 64
            self.cap = evacuation_cap(int(limit))
