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

"""Instance failure recovery tasks: stop, start, confirm active.

The instance is locked for the whole recovery (unlocked at the end or on
revert) and must live on the host that reported the failure: an instance
that moved meanwhile is left alone.
"""

from __future__ import annotations

import logging
from typing import Any

from masakari.compute import exceptions as cexc
from masakari.engine import exceptions
from masakari.engine.drivers.taskflow import base
from masakari.engine.policy import limits
from masakari.engine.drivers.taskflow.servers import (
    HOST,
    VM_STATE,
    is_ha_enabled,
)

LOG = logging.getLogger(__name__)

# vm_states in which the failed instance is left alone (ignored).
IGNORED_STATES = frozenset({"paused", "rescued"})


class StopInstanceTask(base.MasakariTask):
    default_provides = "instance_locked_by_masakari"

    def execute(
        self, instance_uuid: str, host_name: str | None = None
    ) -> bool:
        nova, ctx, conf = self.novaclient, self.context, self.conf
        server = nova.get_server(ctx, instance_uuid)
        key = conf.instance_failure.ha_enabled_instance_metadata_key
        if (
            not conf.instance_failure.process_all_instances
            and not is_ha_enabled(server, key)
        ):
            msg = (
                f"Skipping recovery for instance: {instance_uuid} as it "
                "is not "
                "Ha_Enabled"
            )
            self.update_details(msg, 1.0)
            raise exceptions.SkipInstanceRecoveryException(reason=msg)
        self._check_limit(instance_uuid)
        vm_state = server.get(VM_STATE)
        if vm_state in IGNORED_STATES:
            msg = (f"Recovery of instance '{instance_uuid}' is ignored as "
                   f"it is in '{vm_state}' state.")
            self.update_details(msg, 1.0)
            raise exceptions.IgnoreInstanceRecoveryException(reason=msg)
        if host_name and server.get(HOST) not in (None, host_name):
            msg = (
                f"Recovery of instance '{instance_uuid}' is ignored as it "
                f"now runs on "
                f"'{server.get(HOST)}', not on the reporting host "
                f"'{host_name}'."
            )
            self.update_details(msg, 1.0)
            raise exceptions.IgnoreInstanceRecoveryException(reason=msg)
        locked = False
        if not server.get("locked"):
            nova.lock_server(ctx, instance_uuid)
            locked = True
        self._locked = locked
        if vm_state != "stopped":
            self.update_details(f"Stopping instance: {instance_uuid}")
            try:
                nova.stop_server(ctx, instance_uuid)
            except cexc.ComputeConflict:
                self.update_details(
                    f"Conflict when stopping instance: {instance_uuid}"
                )
                if (
                    nova.get_server(ctx, instance_uuid).get(VM_STATE)
                    != "stopped"
                ):
                    raise

        def stopped() -> bool | None:
            return (
                nova.get_server(ctx, instance_uuid).get(VM_STATE) == "stopped"
                or None
            )

        self.wait_or_fail(
            stopped,
            conf.wait_period_after_power_off,
            f"instance {instance_uuid} to stop",
            exceptions.InstanceRecoveryFailureException,
            f"Failed to stop instance {instance_uuid}",
        )
        self.update_details(f"Stopped instance: '{instance_uuid}'", 1.0)
        return locked

    def _check_limit(self, instance_uuid: str) -> None:
        """Leave the instance alone once it reached its recovery limit."""
        limit = self.conf.recovery_limits.max_recoveries_per_instance
        if not limit:
            return
        window = self.conf.recovery_limits.recovery_window
        done = limits.recoveries(
            self.runtime.store, self.runtime.clock.utcnow(), window,
            {instance_uuid}, self.runtime.notification_uuid,
        ).get(instance_uuid, 0)
        if done >= limit:
            msg = (f"Recovery of instance '{instance_uuid}' is ignored as "
                   f"it was recovered {done} times in the last {window} "
                   f"seconds (limit {limit}).")
            self.update_details(msg, 1.0)
            raise exceptions.IgnoreInstanceRecoveryException(reason=msg)

    def revert(self, instance_uuid: str, **kwargs: Any) -> None:
        if getattr(self, "_locked", False):
            self._locked = False
            try:
                self.novaclient.unlock_server(self.context, instance_uuid)
            except Exception as err:  # noqa: BLE001
                LOG.warning("Could not unlock %s: %s", instance_uuid, err)


class StartInstanceTask(base.MasakariTask):
    def execute(self, instance_uuid: str) -> None:
        nova, ctx = self.novaclient, self.context
        self.update_details(f"Starting instance: '{instance_uuid}'")
        vm_state = nova.get_server(ctx, instance_uuid).get(VM_STATE)
        if vm_state != "stopped":
            msg = (
                f"Invalid state for Instance {instance_uuid}. Expected state: "
                f"'STOPPED', Actual state: '{vm_state}'"
            )
            self.update_details(msg, 1.0)
            raise exceptions.InstanceRecoveryFailureException(reason=msg)
        nova.start_server(ctx, instance_uuid)
        self.update_details(f"Instance started: '{instance_uuid}'", 1.0)


class ConfirmInstanceActiveTask(base.MasakariTask):
    def execute(
        self, instance_uuid: str, instance_locked_by_masakari: bool = False
    ) -> None:
        nova, ctx = self.novaclient, self.context
        self.update_details(
            f"Confirming instance '{instance_uuid}' vm_state is ACTIVE"
        )

        def active() -> bool | None:
            return (
                nova.get_server(ctx, instance_uuid).get(VM_STATE) == "active"
                or None
            )

        self.wait_or_fail(
            active,
            self.conf.wait_period_after_power_on,
            f"instance {instance_uuid} to become active",
            exceptions.InstanceRecoveryFailureException,
            f"Failed to start instance {instance_uuid}",
        )
        if instance_locked_by_masakari:
            nova.unlock_server(ctx, instance_uuid)
        self.update_details(
            f"Confirmed instance '{instance_uuid}' vm_state is ACTIVE", 1.0
        )
