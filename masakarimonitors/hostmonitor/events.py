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

import dataclasses
import datetime
from typing import Callable

TYPE_COMPUTE_HOST = "COMPUTE_HOST"

STARTED = "STARTED"
STOPPED = "STOPPED"
NORMAL = "NORMAL"
UNKNOWN = "UNKNOWN"

# (event, host_status) -> payload; cluster_status follows the event.
_CLUSTER_STATUS = {STARTED: "ONLINE", STOPPED: "OFFLINE"}

# Payload key carrying the proof that a stopped host is really off.
FENCING_KEY = "fencing"
# Where that proof came from.
SOURCE_HISTORY = "stonith-history"
SOURCE_IPMI = "ipmi"


@dataclasses.dataclass(frozen=True)
class Evidence:
    """Proof that a host is off: its source and when it was established.

    ``at`` is in epoch seconds: the completion of the fencing action for
    ``stonith-history``, the time of the power status check for ``ipmi``.
    """

    source: str
    at: float

    def to_payload(self) -> dict:
        """The value of the payload's ``fencing`` key."""
        when = datetime.datetime.fromtimestamp(int(self.at),
                                               datetime.timezone.utc)
        return {"confirmed": True, "source": self.source,
                "at": when.strftime("%Y-%m-%dT%H:%M:%SZ")}


def utcnow() -> datetime.datetime:
    """Naive UTC timestamp, the format the masakari API expects."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def compute_host(hostname: str, event: str, host_status: str,
                 now: Callable[[], datetime.datetime] = utcnow,
                 evidence: Evidence | None = None) -> dict:
    """Build one COMPUTE_HOST notification.

    The payload has ``event``, ``cluster_status`` and ``host_status``;
    ``evidence`` (given only when the host is proven off) adds the
    ``fencing`` key.
    """
    payload = {
        "event": event,
        "cluster_status": _CLUSTER_STATUS[event],
        "host_status": host_status,
    }
    if evidence is not None:
        payload[FENCING_KEY] = evidence.to_payload()
    return {
        "type": TYPE_COMPUTE_HOST,
        "hostname": hostname,
        "generated_time": now(),
        "payload": payload,
    }
