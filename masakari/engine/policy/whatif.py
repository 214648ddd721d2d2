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

"""'If this host failed now': the plan a host recovery would follow.

Built by the same gathering and planning the recovery flow uses. The
reserved-host methods plan on the segment's reserved hosts in the order
the engine tries them, moving what does not fit on one to the next;
with capacity_aware_targets off, the target is left to Nova's scheduler
(auto) or is the first reserved host, and nothing is judged not to fit.
"""

from __future__ import annotations

import datetime
from typing import Any

from masakari.engine.policy import facts as facts_mod
from masakari.engine.policy import plan as plan_mod
from masakari.engine.policy import selection
from masakari.engine.policy.settings import Settings

RESERVED_FIRST = {"reserved_host": True, "rh_priority": True,
                  "auto": False, "auto_priority": False}


def reserved_hosts(store: Any, segment_id: str, host_name: str) -> list[str]:
    """The reserved hosts the engine would try, in its order."""
    rows = store.host_get_all_by_filters(
        filters={"failover_segment_id": segment_id, "reserved": True,
                 "on_maintenance": False},
        sort_keys=["created_at", "id"], sort_dirs=["desc", "desc"])
    return [h.name for h in rows if h.name != host_name]


def what_if(nova: Any, context: Any, store: Any, conf: Any, host_name: str,
            recovery_method: str, now: datetime.datetime,
            cfg: Settings | None = None) -> dict:
    """The plan of ``host_name``'s recovery, as a dict (see Plan).

    ``cfg``: the settings to plan with (default: ``conf``'s).
    """
    cfg = cfg or Settings.from_conf(conf)
    servers = nova.get_servers_on_host(context, host_name)
    reserved: list[str] = []
    if RESERVED_FIRST.get(recovery_method, True):
        row = store.host_get_by_name(host_name)
        reserved = reserved_hosts(store, row.failover_segment_id, host_name)
    if not reserved:
        facts = facts_mod.gather(nova, context, store, cfg, host_name, now,
                                 servers=servers)
        plan = plan_mod.build(facts, cfg)
        return dict(plan.to_dict(), recovery_method=recovery_method,
                    reserved_hosts=[])
    first = None
    left = list(servers)
    placed: dict[str, selection.Entry] = {}
    for target in reserved:
        facts = facts_mod.gather(nova, context, store, cfg, host_name, now,
                                 servers=left, reserved_host=target)
        plan = plan_mod.build(facts, cfg)
        if first is None:
            first = plan
        for entry in plan.evacuated:
            entry.target = entry.target or target
            placed[entry.server_id] = entry
        left = [s for s in left if s["id"] not in placed]
        if not cfg.capacity or not any(
                e.reason_kind == selection.NO_FIT for e in plan.entries):
            break
    if first is None:  # pragma: no cover - reserved is not empty
        return {}
    final = [placed.get(e.server_id, e) for e in first.entries]
    if cfg.capacity:
        for entry in final:
            if entry.server_id not in placed and entry.evacuate is False \
                    and entry.reason_kind == selection.NO_FIT:
                entry.reason = (f"{entry.reason} (reserved hosts tried: "
                                f"{', '.join(reserved)})")
    first.entries = final
    return dict(first.to_dict(), recovery_method=recovery_method,
                reserved_hosts=reserved)


def segment_what_if(nova: Any, context: Any, store: Any, conf: Any,
                    segment_id: str, recovery_method: str,
                    now: datetime.datetime,
                    cfg: Settings | None = None) -> dict:
    """The plan of each host of a segment that could fail (neither
    reserved nor on maintenance), and whether the segment still has the
    room to absorb any one of those failures."""
    rows = store.host_get_all_by_filters(
        filters={"failover_segment_id": segment_id, "reserved": False,
                 "on_maintenance": False},
        sort_keys=["name"], sort_dirs=["asc"])
    plans = [what_if(nova, context, store, conf, row.name, recovery_method,
                     now, cfg) for row in rows]
    short = [p["host"] for p in plans if p.get("not_fitting")]
    return {
        "segment": segment_id,
        "recovery_method": recovery_method,
        "failover_capacity": not short,
        "hosts_without_failover_capacity": short,
        "plans": plans,
    }
