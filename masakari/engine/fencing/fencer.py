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

"""Fencing a host: its devices are tried in order (escalation), each with
a timeout of its own, until one proves the host off.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any, Callable, Mapping

from masakari.engine.fencing import base
from masakari.engine.fencing import common
from masakari.engine.fencing import config as fencing_config
from masakari.engine.fencing import registry

LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class FenceOutcome:
    """The result of fencing one host: every attempt, in order."""

    confirmed: bool
    records: list[base.FenceRecord]

    @property
    def proof(self) -> base.FenceRecord | None:
        """The record that confirmed the host off, if any."""
        for record in self.records:
            if record.confirmed:
                return record
        return None


class Fencer:
    """Tries a host's fence devices in order until one proves it off."""

    def __init__(
        self,
        config: fencing_config.FencingConfig | None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        drivers: Mapping[str, Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config or fencing_config.FencingConfig()
        self._clock = clock
        self._wall = wall
        self._drivers = dict(registry.DRIVERS)
        self._drivers.update(drivers or {})
        self.ctx = common.Context(clock=clock, wall=wall, sleep=sleep)

    @classmethod
    def from_file(cls, path: str | None) -> Fencer:
        """A Fencer for the file at ``path``; no devices if no path."""
        if not path:
            return cls(None)
        return cls(fencing_config.load(path))

    def has_devices(self, host: str) -> bool:
        return self.config.has_devices(host)

    def fence(
        self, host: str, cancelled: Callable[[], bool] | None = None
    ) -> FenceOutcome:
        """Try the host's devices in order; stop at the first proof."""
        devices = self.config.devices_for(host)
        if not devices:
            LOG.warning("No fence device is configured for host '%s'", host)
        records: list[base.FenceRecord] = []
        for index, device in enumerate(devices, start=1):
            if cancelled is not None and cancelled():
                LOG.warning(
                    "Fencing of host '%s' cancelled before device %d",
                    host, index,
                )
                break
            record = self._attempt(host, index, device, cancelled)
            records.append(record)
            if record.confirmed:
                LOG.info("%s", record.describe())
                break
            LOG.warning("%s", record.describe())
        return FenceOutcome(
            confirmed=any(record.confirmed for record in records),
            records=records,
        )

    def close(self) -> None:
        """Stop background listeners started by the drivers."""
        self.ctx.close()

    def _attempt(
        self,
        host: str,
        index: int,
        device: Mapping[str, Any],
        cancelled: Callable[[], bool] | None,
    ) -> base.FenceRecord:
        started = self._wall()
        name = str(device.get("driver"))
        action = "off"
        where = f"host {host} device {index}"
        driver = None
        try:
            cls = self._drivers.get(name)
            if cls is None:
                raise base.FencingConfigError(f"unknown driver '{name}'")
            action = getattr(cls, "action", action)
            deadline = base.Deadline(
                fencing_config.device_timeout(device), self._clock, cancelled
            )
            driver = cls.from_device(device, f"{where} ({name})", self.ctx)
            name = getattr(driver, "name", name)
            record = driver.fence(host, deadline)
            if (
                not isinstance(record, base.FenceRecord)
                or record.result not in base.RESULTS
            ):
                raise TypeError(f"driver returned {record!r}")
            return record
        except base.FenceTimeout as exc:
            result, evidence = base.TIMEOUT, str(exc)
        except Exception as exc:  # a driver must never stop the escalation
            result = base.ERROR
            evidence = f"driver raised {type(exc).__name__}: {exc}"
        scrub = getattr(driver, "scrub", None)
        if scrub is not None:
            evidence = scrub(evidence)
        return base.FenceRecord(
            host=host,
            driver=name,
            action=action,
            result=result,
            evidence=evidence[:500],
            started_at=started,
            finished_at=self._wall(),
        )
