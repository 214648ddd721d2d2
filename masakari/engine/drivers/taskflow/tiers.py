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

"""Restart priority tiers: evacuate one tier after the other.

A tier starts when every evacuation of the tier before it has ended
(confirmed on its new host, or failed) or when that tier's timeout has
passed on the recovery's clock, whichever comes first.
"""

from __future__ import annotations

import concurrent.futures
from typing import Any

# Real seconds between two looks at the clock while a tier runs.
TIER_POLL = 0.2


def groups(vmoves: list, tiers: list[list[str]] | None) -> list[list]:
    """``vmoves`` split by ``tiers`` (instance uuids, first tier first).

    Vmoves no tier names (resumed from an interrupted run) go first:
    they are the furthest along. Without tiers, one group.
    """
    if not tiers:
        return [list(vmoves)]
    tier_of = {uuid: i for i, ids in enumerate(tiers) for uuid in ids}
    out: list[list] = [[] for _ in range(len(tiers) + 1)]
    for vmove in vmoves:
        out[tier_of.get(vmove.instance_uuid, -1) + 1].append(vmove)
    return [g for g in out if g]


def wait_for_tier(task: Any, futures: dict, timeout: float,
                  number: int) -> None:
    """Return once ``futures`` are done or ``timeout`` clock seconds
    passed (or the recovery is cancelled)."""
    runtime = task.runtime
    deadline = runtime.clock.monotonic() + max(0.0, timeout)
    pending = set(futures)
    while pending:
        if runtime.cancel.is_set():
            return
        if runtime.clock.monotonic() >= deadline:
            task.update_details(
                f"Restart priority tier {number} still running after "
                f"{timeout} seconds; starting the next tier", 0.5)
            return
        _, pending = concurrent.futures.wait(pending, timeout=TIER_POLL)
    task.update_details(f"Restart priority tier {number} done", 0.5)
