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

"""A periodic look at each segment's failover capacity.

Every ``[host_failure] failover_capacity_check_interval`` seconds the
engine computes, for each segment, the capacity-aware plan of the failure
of each of its hosts; a segment where some host's instances would not fit
anywhere has lost its failover capacity. Only changes are logged (a
warning when it is lost, a message when it is back).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, Callable

from masakari.engine import background
from masakari.engine import store as store_mod
from masakari.engine import timing
from masakari.engine.policy import whatif
from masakari.engine.policy.settings import Settings

LOG = logging.getLogger(__name__)


class CapacityWatch:
    def __init__(self, conf: Any, db: Any, nova: Any, clock: timing.Clock,
                 context_factory: Callable[[], Any] | None = None) -> None:
        self.conf, self.db, self.nova, self.clock = conf, db, nova, clock
        self.context_factory = context_factory or (lambda: None)
        self.lost: dict[str, list[str]] = {}
        self.loop = background.BackgroundLoop(
            "masakari-capacity-watch", lambda: self.run_once(),
            interval=lambda: self.interval, clock=clock)

    @property
    def interval(self) -> int:
        return int(self.conf.host_failure.failover_capacity_check_interval)

    def start(self) -> None:
        if self.interval > 0:
            self.loop.start()

    def stop(self) -> None:
        self.loop.stop()

    def run_once(self) -> dict[str, list[str]]:
        """Check every segment; returns segment uuid -> hosts whose
        failure would leave instances unplaced."""
        cfg = dataclasses.replace(Settings.from_conf(self.conf),
                                  capacity=True)
        store = store_mod.EngineStore(self.db)
        now = self.clock.utcnow()
        lost: dict[str, list[str]] = {}
        for segment in self.db.failover_segment_get_all_by_filters():
            answer = whatif.segment_what_if(
                self.nova, self.context_factory(), store, self.conf,
                segment.uuid, segment.recovery_method, now, cfg)
            short = answer["hosts_without_failover_capacity"]
            if short:
                lost[segment.uuid] = short
                if self.lost.get(segment.uuid) != short:
                    LOG.warning(
                        "Segment %s (%s) has lost its failover capacity: a "
                        "failure of %s would leave instances unplaced",
                        segment.name, segment.uuid, ", ".join(short))
            elif segment.uuid in self.lost:
                LOG.info("Segment %s (%s) has its failover capacity again",
                         segment.name, segment.uuid)
        self.lost = lost
        return lost
