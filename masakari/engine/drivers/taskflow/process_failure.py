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

"""Process failure recovery: disable nova-compute on the host."""

from __future__ import annotations

from masakari.engine import exceptions
from masakari.engine.drivers.taskflow import base


class DisableComputeNodeTask(base.MasakariTask):
    def execute(self, process_name: str, host_name: str) -> None:
        nova, ctx = self.novaclient, self.context
        self.update_details(
            f"Disabling compute service on host: '{host_name}'"
        )
        service = nova.get_compute_service(ctx, host_name, binary=process_name)
        if service.get("status") == "disabled":
            self.update_details(
                f"Skipping recovery for process {process_name} as it is "
                "already disabled",
                1.0,
            )
            return
        nova.disable_service(
            ctx,
            service["id"],
            self.conf.process_failure.service_disable_reason,
        )
        self.update_details(
            f"Disabled compute service on host: '{host_name}'", 1.0
        )


class ConfirmComputeNodeDisabledTask(base.MasakariTask):
    def execute(self, process_name: str, host_name: str) -> None:
        nova, ctx = self.novaclient, self.context
        self.update_details(
            f"Confirming compute service is disabled on host: '{host_name}'"
        )

        def disabled() -> bool | None:
            service = nova.get_compute_service(
                ctx, host_name, binary=process_name
            )
            return service.get("status") == "disabled" or None

        self.wait_or_fail(
            disabled,
            self.conf.wait_period_after_service_update,
            f"nova-compute on {host_name} to be disabled",
            exceptions.ProcessRecoveryFailureException,
            f"Failed to disable compute service on host: '{host_name}'",
        )
        self.update_details(
            f"Confirmed compute service is disabled on host: '{host_name}'",
            1.0,
        )
