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

"""How often instances were recovered and hosts failed, from the rows.

A recovery of an instance is a finished instance failure notification
about it or a succeeded evacuation (vmove) of it; a failure of a host is
a host or process failure notification ('STOPPED') naming it. Both are
counted over notifications generated within a window, so the existing
notifications and vmoves tables are enough.
"""

from __future__ import annotations

import datetime
from typing import Any, Iterable

from masakari.engine import payloads

RECOVERED_VM_STATUSES = frozenset({"finished"})
FAILURE_TYPES = frozenset({"COMPUTE_HOST", "PROCESS"})


def since(now: datetime.datetime, seconds: int) -> datetime.datetime:
    return now - datetime.timedelta(seconds=seconds)


def count_recoveries(
    notifications: Iterable[Any],
    evacuated: dict[str, list[str]],
    instance_ids: set[str],
    exclude: str | None = None,
) -> dict[str, int]:
    """Recoveries per instance of ``instance_ids``.

    ``evacuated``: notification uuid -> instances it evacuated.
    ``exclude``: the notification being handled (not a past recovery).
    """
    counts: dict[str, int] = {}
    for row in notifications:
        if row.notification_uuid == exclude:
            continue
        if row.type == "VM" and row.status in RECOVERED_VM_STATUSES:
            uuid = payloads.payload_of(row).get("instance_uuid")
            if uuid in instance_ids:
                counts[uuid] = counts.get(uuid, 0) + 1
        for uuid in evacuated.get(row.notification_uuid, ()):
            if uuid in instance_ids:
                counts[uuid] = counts.get(uuid, 0) + 1
    return counts


def count_failures(notifications: Iterable[Any]) -> dict[str, int]:
    """Failures per host uuid (host and process failure reports)."""
    counts: dict[str, int] = {}
    for row in notifications:
        if row.type not in FAILURE_TYPES:
            continue
        event = str(payloads.payload_of(row).get("event", "")).upper()
        if event == "STOPPED":
            key = row.source_host_uuid
            counts[key] = counts.get(key, 0) + 1
    return counts


def recent_notifications(store: Any, now: datetime.datetime,
                         seconds: int) -> list:
    return list(store.notification_get_all_by_filters(
        filters={"generated_since": since(now, seconds)}))


def recoveries(store: Any, now: datetime.datetime, seconds: int,
               instance_ids: set[str], exclude: str | None) -> dict[str, int]:
    """Recoveries of each instance in the last ``seconds``."""
    rows = recent_notifications(store, now, seconds)
    evacuated = {}
    for row in rows:
        if row.type == "COMPUTE_HOST" and row.notification_uuid != exclude:
            moves = store.vmove_get_all_by_filters(filters={
                "notification_uuid": row.notification_uuid,
                "status": "succeeded"})
            evacuated[row.notification_uuid] = [
                v.instance_uuid for v in moves]
    return count_recoveries(rows, evacuated, instance_ids, exclude)


def flapping(store: Any, now: datetime.datetime, seconds: int,
             threshold: int, hosts: Iterable[Any]) -> dict[str, int]:
    """Host name -> failures, for hosts failing ``threshold`` times."""
    if threshold <= 0:
        return {}
    counts = count_failures(recent_notifications(store, now, seconds))
    return {h.name: counts[h.uuid] for h in hosts
            if counts.get(h.uuid, 0) >= threshold}
