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

"""'If this host failed now': ``masakari-manage recovery plan``.

Asks Nova and the masakari database what a host recovery would do right
now (masakari.engine.policy.whatif) and prints it: the instances in
evacuation order with their tier, target and, for those left alone, why;
the hosts that are no target and why.
"""

from __future__ import annotations

import json
from typing import Any

from masakari.engine import store as store_mod
from masakari.engine import timing
from masakari.engine.policy import whatif

FORMATS = ("text", "json")
COLUMNS = ("tier", "instance_uuid", "instance_name", "priority", "action",
           "target_host", "message")


def load(db: Any, nova: Any, conf: Any, host: str | None = None,
         segment: str | None = None,
         clock: timing.Clock | None = None) -> dict:
    """The plan of ``host`` (a name) or of every host of ``segment``."""
    clock = clock or timing.Clock()
    store = store_mod.EngineStore(db)
    now = clock.utcnow()
    if host is not None:
        row = db.host_get_by_name(host)
        method = db.failover_segment_get_by_uuid(
            row.failover_segment_id).recovery_method
        return whatif.what_if(nova, None, store, conf, host, method, now)
    seg = db.failover_segment_get_by_uuid(segment)
    return whatif.segment_what_if(nova, None, store, conf, seg.uuid,
                                  seg.recovery_method, now)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
            for r in rows]


def _host_lines(plan: dict) -> list[str]:
    lines = [
        f"If host {plan['host']} failed now "
        f"(recovery method {plan['recovery_method']}, capacity "
        f"{'checked' if plan['capacity_checked'] else 'not checked'}):"
    ]
    rows = [list(COLUMNS)]
    for item in plan["instances"]:
        rows.append(["" if item[c] is None else str(item[c])
                     for c in COLUMNS])
    if len(rows) == 1:
        lines.append("  no instance on the host")
    else:
        lines += ["  " + line for line in _table(rows)]
    if plan["not_fitting"]:
        lines.append("  would not fit: " + ", ".join(plan["not_fitting"]))
    for item in plan["excluded_targets"]:
        lines.append(f"  no target: {item['host']} ({item['reason']})")
    return lines


def render(answer: dict, output_format: str = "text") -> str:
    if output_format == "json":
        return json.dumps(answer, indent=2, sort_keys=True)
    if "plans" not in answer:
        return "\n".join(_host_lines(answer))
    lines = [f"Segment {answer['segment']}: failover capacity "
             f"{'kept' if answer['failover_capacity'] else 'LOST'}"]
    if answer["hosts_without_failover_capacity"]:
        lines.append("  a failure of these hosts would leave instances "
                     "unplaced: "
                     + ", ".join(answer["hosts_without_failover_capacity"]))
    for plan in answer["plans"]:
        lines.append("")
        lines += _host_lines(plan)
    return "\n".join(lines)
