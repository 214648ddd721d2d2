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

"""The second task of a host recovery: which instances to evacuate.

HA-enabled instances first, then (with evacuate_all_instances) the
others; a vmove row is recorded for each, re-using those of an
interrupted run.
"""

from __future__ import annotations

from typing import Any

from masakari.engine import exceptions
from masakari.engine.drivers.taskflow import base
from masakari.engine.drivers.taskflow import policy_step
from masakari.engine.drivers.taskflow.servers import LISTED_FIELDS
from masakari.engine.drivers.taskflow.servers import VM_STATE
from masakari.engine.drivers.taskflow.servers import is_ha_enabled

UNFINISHED_VMOVE = ("pending", "ongoing")


def listing(host_name: str, listed_at: float, servers: list[dict]) -> dict:
    """A listing of ``host_name``'s servers handed to the next task.

    ``listed_at`` is the clock's monotonic time of the listing; only the
    fields the evacuation reads are kept (the flow's storage holds it).
    """
    return {
        "host": host_name,
        "listed_at": listed_at,
        "servers": [
            {k: s[k] for k in LISTED_FIELDS if k in s} for s in servers
        ],
    }


class PrepareHAEnabledInstancesTask(base.MasakariTask):
    """Select instances to evacuate (HA-enabled first) and record vmoves.

    Provides evacuation_plan: the vmove uuids of this attempt in priority
    order. Unfinished vmoves of an interrupted run are re-used, so the same
    instance is never evacuated twice. Also provides host_servers, the
    listing it took (see :func:`listing`), so the evacuation right after
    it need not ask Nova again, and evacuation_policy: None when every
    recovery policy is off (upstream's behaviour), else the tiers, targets
    and instances that fit nowhere (see policy_step.py).
    """

    default_provides = ("evacuation_plan", "host_servers",
                        "evacuation_policy")

    def execute(
        self,
        host_name: str,
        notification_uuid: str,
        reserved_host: str | None = None,
    ) -> tuple[list[str], dict, dict | None]:
        nova, ctx, conf, db = (
            self.novaclient,
            self.context,
            self.conf,
            self.runtime.store,
        )
        key = conf.host_failure.ha_enabled_instance_metadata_key
        self.update_details("Preparing instances for evacuation")
        servers = nova.get_servers_on_host(ctx, host_name)
        taken = listing(host_name, self.runtime.clock.monotonic(), servers)
        self.update_details(
            f"Total instances running on failed host '{host_name}' is "
            f"{len(servers)}",
            0.3,
        )
        ha, other = [], []
        for server in servers:
            ha_enabled = is_ha_enabled(server, key)
            if (
                conf.host_failure.ignore_instances_in_error_state
                and server.get(VM_STATE) == "error"
            ):
                if ha_enabled:
                    self.update_details(
                        f"Ignoring recovery of HA_Enabled instance "
                        f"'{server['id']}' "
                        "as it is in 'error' state.",
                        0.4,
                    )
                continue
            (ha if ha_enabled else other).append(server)
        self.update_details(
            f"Total HA Enabled instances count: '{len(ha)}'", 0.6
        )
        selected = (
            ha + other if conf.host_failure.evacuate_all_instances else ha
        )
        if conf.host_failure.evacuate_all_instances:
            self.update_details(
                f"Total Non-HA Enabled instances count: '{len(other)}'", 0.7
            )
            self.update_details(
                f"All instances (HA Enabled/Non-HA Enabled) should be "
                f"considered for evacuation. Total count is: "
                f"'{len(selected)}'",
                0.8,
            )
        policy = None
        if policy_step.settings(conf).active:
            selected, policy = policy_step.plan_evacuation(
                self, host_name, notification_uuid, servers, reserved_host)
        plan = self._plan(db, host_name, notification_uuid, selected)
        if not plan and policy and policy["not_fitting"]:
            msg = (
                f"No target host has room for instances "
                f"'{','.join(policy['not_fitting'])}' of host '{host_name}'"
            )
            self.update_details(msg, 1.0)
            raise exceptions.HostRecoveryFailureException(reason=msg)
        if not plan:
            msg = (
                f"Skipped host '{host_name}' recovery as no instances "
                "needs to be evacuated"
            )
            self.update_details(msg, 1.0)
            raise exceptions.SkipHostRecoveryException(reason=msg)
        self.update_details(
            "Instances to be evacuated are: "
            f"'{','.join(self.planned_instances)}'",
            1.0,
        )
        return plan, taken, policy

    def _plan(
        self,
        db: Any,
        host_name: str,
        notification_uuid: str,
        selected: list[dict],
    ) -> list[str]:
        existing = db.vmove_get_all_by_filters(
            filters={"notification_uuid": notification_uuid},
            sort_keys=["created_at", "id"],
            sort_dirs=["asc", "asc"],
        )
        unfinished = {
            v.instance_uuid: v
            for v in existing
            if v.status in UNFINISHED_VMOVE
        }
        # Evacuations a previous owner already started come first: they are
        # the furthest along and only need confirming.
        selected_ids = {s["id"] for s in selected}
        resumed = [
            v
            for v in unfinished.values()
            if v.status == "ongoing" and v.instance_uuid not in selected_ids
        ]
        plan = [v.uuid for v in resumed]
        self.planned_instances = [v.instance_uuid for v in resumed]
        new_values = [
            {
                "notification_uuid": notification_uuid,
                "instance_uuid": server["id"],
                "instance_name": server.get("name") or "",
                "source_host": host_name,
                "type": "evacuation",
                "status": "pending",
            }
            for server in selected
            if server["id"] not in unfinished
        ]
        created = {v.instance_uuid: v for v in create_vmoves(db, new_values)}
        for server in selected:
            vmove = unfinished.get(server["id"]) or created[server["id"]]
            plan.append(vmove.uuid)
            self.planned_instances.append(server["id"])
        return plan


def create_vmoves(db: Any, values_list: list[dict]) -> list:
    """Insert vmove rows, in one transaction when the DB API offers it."""
    if not values_list:
        return []
    bulk = getattr(db, "vmove_create_many", None)
    if bulk is not None:
        return list(bulk(values_list))
    return [db.vmove_create(values) for values in values_list]
