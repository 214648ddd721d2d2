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

"""Recovery plans ('what if this host failed now') for the API.

The plan is the engine's own (masakari.engine.policy.whatif), computed
here with the API's configuration, database and a Nova client of its own.
"""

from __future__ import annotations

import threading
from typing import Any

from masakari.compute import exceptions as cexc
from masakari.engine import timing
from masakari.engine.policy import whatif
from masakari.ha import hosts as ha_hosts
from masakari.ha import segments as ha_segments


class Planner:
    """Computes plans; its Nova client is made on first use."""

    def __init__(self, conf: Any, nova_api: Any = None,
                 clock: timing.Clock | None = None) -> None:
        self.conf = conf
        self.clock = clock or timing.Clock()
        self._lock = threading.Lock()
        self._nova_api = nova_api

    def _nova(self) -> Any:
        with self._lock:
            if self._nova_api is None:
                from masakari.compute import nova
                self._nova_api = nova.API(conf=self.conf)
            return self._nova_api

    def host_plan(self, db: Any, context: Any, segment_uuid: str,
                  host_uuid: str) -> dict:
        segment = ha_segments.get_segment(db, segment_uuid)
        host = ha_hosts.get_host(db, segment_uuid, host_uuid)
        return _asking_nova(lambda: whatif.what_if(
            self._nova(), context, db, self.conf, host.name,
            segment.recovery_method, self.clock.utcnow()))

    def segment_plan(self, db: Any, context: Any,
                     segment_uuid: str) -> dict:
        segment = ha_segments.get_segment(db, segment_uuid)
        return _asking_nova(lambda: whatif.segment_what_if(
            self._nova(), context, db, self.conf, segment.uuid,
            segment.recovery_method, self.clock.utcnow()))


def _asking_nova(call: Any) -> dict:
    """Nova's failures as a 503: the plan cannot be answered now."""
    try:
        return call()
    except (cexc.ComputeError, cexc.ComputeBadRequest, cexc.ComputeNotFound,
            cexc.ComputeConflict) as err:
        raise cexc.ComputeUnavailable(
            method="GET", url="(recovery plan)", reason=str(err)) from err
