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

"""Safety gates checked before a failed host is fenced or evacuated.

When many hosts of one failover segment report a failure together, the
likely cause is the monitoring or the network, not the hosts; fencing and
evacuating them all would turn a partial outage into a full one. The
counts come from the stored notifications (server-side ``created_at``), so
every engine sharing the database sees the same numbers.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any

STOPPED = "STOPPED"


@dataclasses.dataclass(frozen=True)
class Settings:
    enabled: bool = True
    max_failed_hosts_percent: int = 50
    max_host_failures_per_window: int = 10
    window: float = 600.0

    @classmethod
    def from_conf(cls, conf: Any) -> Settings:
        group = conf.fencing
        return cls(enabled=group.safety_gates,
                   max_failed_hosts_percent=group.max_failed_hosts_percent,
                   max_host_failures_per_window=(
                       group.max_host_failures_per_window),
                   window=float(group.failure_window))


def _payload(row: Any) -> dict:
    payload = getattr(row, "payload", None)
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return {}
    return payload if isinstance(payload, dict) else {}


def failed_hosts(db: Any, segment_uuid: str,
                 since: datetime.datetime) -> set[str]:
    """Hosts of the segment that reported a failure since ``since``."""
    rows = db.notification_get_all_by_filters(filters={
        "type": "COMPUTE_HOST",
        "failover_segment_uuid": segment_uuid,
        "created_since": since,
    })
    return {row.source_host_uuid for row in rows
            if str(_payload(row).get("event", "")).upper() == STOPPED}


def check(db: Any, segment_uuid: str, host_uuid: str,
          reported_at: datetime.datetime, settings: Settings) -> str | None:
    """None when the host may be recovered, else the reason it may not.

    ``reported_at``: when this host's failure was stored; failures stored
    up to ``window`` seconds before it (or any time after) count with it.
    """
    if not settings.enabled:
        return None
    since = reported_at - datetime.timedelta(seconds=settings.window)
    failed = failed_hosts(db, segment_uuid, since) | {host_uuid}
    total = len(db.host_get_all_by_filters(
        filters={"failover_segment_id": segment_uuid}))
    window = int(settings.window)
    if len(failed) > settings.max_host_failures_per_window:
        return (f"{len(failed)} hosts of the segment failed within "
                f"{window}s, more than [fencing] "
                f"max_host_failures_per_window "
                f"({settings.max_host_failures_per_window})")
    if (len(failed) >= 2 and total
            and len(failed) * 100 > settings.max_failed_hosts_percent * total):
        return (f"{len(failed)} of the segment's {total} hosts failed "
                f"within {window}s, more than [fencing] "
                f"max_failed_hosts_percent "
                f"({settings.max_failed_hosts_percent}%); this looks like a "
                "monitoring or network failure, not host failures")
    return None
