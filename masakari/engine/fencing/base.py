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

"""What every fence driver shares: the record of one attempt, the deadline
it must keep, and the errors of a bad configuration.

A host counts as fenced only when a driver observed it off (a BMC that
reports the power off, an agent whose ``status`` exits 2, a crash kernel
that announced itself). Anything else (an error, a timeout, a BMC that
answers "unknown") is a failed attempt, and the next device is tried.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Callable, Protocol

# Results of one attempt.
OFF = "off"  # proven powered off: the only result that counts as fenced
FAILED = "failed"  # the device answered, but the host was not proven off
TIMEOUT = "timeout"  # the attempt did not finish within its timeout
ERROR = "error"  # the device could not be used (unreachable, refused, ...)

RESULTS = (OFF, FAILED, TIMEOUT, ERROR)


class FencingConfigError(ValueError):
    """The fencing configuration file is unusable; the message says why."""


class FenceTimeout(Exception):
    """Raised by Deadline.check() when the attempt ran out of time."""


@dataclasses.dataclass(frozen=True)
class FenceRecord:
    """One fence attempt, as written to the log and the progress details."""

    host: str
    driver: str  # e.g. "redfish", "ipmi", "fence_agent:fence_ipmilan"
    action: str  # "off" (power off, then confirm), or "status"
    result: str  # one of RESULTS
    evidence: str  # what was observed, in words; never a secret
    started_at: float  # wall clock (epoch seconds)
    finished_at: float

    @property
    def confirmed(self) -> bool:
        return self.result == OFF

    @property
    def seconds(self) -> float:
        return max(0.0, self.finished_at - self.started_at)

    def as_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "driver": self.driver,
            "action": self.action,
            "result": self.result,
            "evidence": self.evidence,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
        }

    def describe(self) -> str:
        """One line for the log and the notification's progress details."""
        return (
            f"Fencing of host '{self.host}' by {self.driver} "
            f"({self.action}): {self.result} after {self.seconds:.1f}s: "
            f"{self.evidence}"
        )


class Deadline:
    """The time one attempt may take; drivers poll it between steps."""

    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self._clock = clock
        self._end = clock() + max(0.0, seconds)
        self._cancelled = cancelled or (lambda: False)

    def remaining(self) -> float:
        return max(0.0, self._end - self._clock())

    def expired(self) -> bool:
        return self._cancelled() or self._clock() >= self._end

    def check(self) -> None:
        if self.expired():
            raise FenceTimeout("fence attempt ran out of time")


class FenceDriver(Protocol):
    """A configured fence device for one host.

    ``fence`` powers the host off (or finds it already off) and confirms it,
    within ``deadline``. It returns a record and never raises for a device
    problem: errors become records with result ERROR/FAILED/TIMEOUT.
    """

    name: str

    def fence(self, host: str, deadline: Deadline) -> FenceRecord: ...
