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

"""COMPUTE_HOST notifications of the host monitor drivers."""

from __future__ import annotations

import datetime
from typing import Callable

TYPE_COMPUTE_HOST = "COMPUTE_HOST"

STARTED = "STARTED"
STOPPED = "STOPPED"
NORMAL = "NORMAL"
UNKNOWN = "UNKNOWN"

# (event, host_status) -> payload; cluster_status follows the event.
_CLUSTER_STATUS = {STARTED: "ONLINE", STOPPED: "OFFLINE"}


def utcnow() -> datetime.datetime:
    """Naive UTC timestamp, the format the masakari API expects."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def compute_host(hostname: str, event: str, host_status: str,
                 now: Callable[[], datetime.datetime] = utcnow) -> dict:
    """Build one COMPUTE_HOST notification (spec 1.8)."""
    return {
        "type": TYPE_COMPUTE_HOST,
        "hostname": hostname,
        "generated_time": now(),
        "payload": {
            "event": event,
            "cluster_status": _CLUSTER_STATUS[event],
            "host_status": host_status,
        },
    }
