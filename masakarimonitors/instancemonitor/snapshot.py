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

"""Which domains were running, remembered across monitor restarts.

With it, a guest that crashed while the monitor itself was stopped (or
restarting) is reported like one that crashed during a libvirt reconnect.
The file is refreshed periodically; a snapshot older than ``max_age``
seconds is ignored, so guests stopped long ago are never reported.
"""

import json
import os
import time
from typing import Callable

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


class DomainSnapshot:
    def __init__(self, path: str, max_age: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.max_age = max_age
        self.clock = clock
        self._broken = False

    def load(self) -> dict | None:
        """``{uuid: was_running}`` or None (missing, stale, unreadable)."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
            saved_at = float(data["saved_at"])
            domains = {str(k): bool(v) for k, v in data["domains"].items()}
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError,
                AttributeError) as exc:
            LOG.warning("Ignoring unreadable domain snapshot %s: %s",
                        self.path, exc)
            return None
        age = self.clock() - saved_at
        if age > self.max_age or age < 0:
            LOG.info("Domain snapshot %s is %.0f s old: not used",
                     self.path, age)
            return None
        return domains

    def save(self, domains: dict) -> None:
        if self._broken:
            return
        data = json.dumps({"saved_at": self.clock(),
                           "domains": domains}).encode("utf-8")
        tmp = self.path + ".tmp"
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            with open(tmp, "wb") as handle:
                handle.write(data)
            os.replace(tmp, self.path)
        except OSError as exc:
            LOG.warning("Cannot save domain snapshot %s (%s); guests that "
                        "fail while the monitor is down will not be "
                        "reported", self.path, exc)
            self._broken = True
