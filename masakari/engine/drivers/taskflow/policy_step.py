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

"""The recovery policies inside the host recovery flow.

The prepare task asks :func:`plan_evacuation` which servers to evacuate
(the plan of masakari.engine.policy, the same one the 'what if' answer
shows); instances a policy leaves alone get an 'ignored' vmove saying
why, instances that fit on no target a 'failed' one. The evacuate task
gets the rest of the plan (tiers, targets, what did not fit) through the
flow's ``evacuation_policy``.
"""

from __future__ import annotations

from typing import Any

from masakari.engine.policy import facts as facts_mod
from masakari.engine.policy import plan as plan_mod
from masakari.engine.policy import selection
from masakari.engine.policy.settings import Settings

# vmove status of the instances a policy does not evacuate, by reason.
SKIP_STATUS = {
    selection.UNEVACUABLE: "ignored",
    selection.LIMIT: "ignored",
    selection.NO_FIT: "failed",
}


def settings(conf: Any) -> Settings:
    return Settings.from_conf(conf)


def plan_evacuation(
    task: Any,
    host_name: str,
    notification_uuid: str,
    servers: list[dict],
    reserved_host: str | None,
) -> tuple[list[dict], dict]:
    """(servers to evacuate in order, the evacuation policy for the
    evacuate task)."""
    cfg = settings(task.conf)
    runtime = task.runtime
    facts = facts_mod.gather(
        task.novaclient, task.context, runtime.store, cfg, host_name,
        runtime.clock.utcnow(), servers=servers,
        reserved_host=reserved_host, notification_uuid=notification_uuid)
    plan = plan_mod.build(facts, cfg)
    for host, why in sorted(plan.excluded.items()):
        task.update_details(f"Host '{host}' is no target: {why}", 0.5)
    _record_skips(task, host_name, notification_uuid, plan)
    by_id = {s["id"]: s for s in servers}
    chosen = [by_id[e.server_id] for e in plan.evacuated]
    policy = {
        "tiers": plan.tiers() if cfg.tiers else [],
        "tier_timeout": cfg.tier_timeout,
        "targets": {e.server_id: e.target for e in plan.evacuated
                    if e.target},
        "not_fitting": [e.server_id for e in plan.entries
                        if e.reason_kind == selection.NO_FIT],
    }
    if cfg.tiers:
        for number, ids in enumerate(policy["tiers"], 1):
            task.update_details(
                f"Restart priority tier {number}: '{','.join(ids)}'", 0.7)
    return chosen, policy


def _record_skips(task: Any, host_name: str, notification_uuid: str,
                  plan: plan_mod.Plan) -> None:
    store = task.runtime.store
    skipped = [e for e in plan.entries if e.reason_kind in SKIP_STATUS]
    if not skipped:
        return
    already = {
        (v.instance_uuid, v.status)
        for v in store.vmove_get_all_by_filters(
            filters={"notification_uuid": notification_uuid})
    }
    values = []
    now = task.runtime.clock.utcnow()
    for entry in skipped:
        status = SKIP_STATUS[entry.reason_kind]
        task.update_details(
            f"Instance '{entry.server_id}' is not evacuated: "
            f"{entry.reason}", 0.6)
        if status == "ignored" and (entry.server_id, status) in already:
            continue
        values.append({
            "notification_uuid": notification_uuid,
            "instance_uuid": entry.server_id,
            "instance_name": entry.name,
            "source_host": host_name,
            "type": "evacuation",
            "status": status,
            "message": entry.reason,
            "end_time": now,
        })
    if values:
        store.vmove_create_many(values)
