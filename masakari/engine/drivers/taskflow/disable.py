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
"""The first task of a host recovery: take the failed host out of Nova.

Safety gates and the proof that the host is off come first (fence_step);
then the compute service is forced down (host proven off) or Nova is
polled until it reports the service down by itself, and disabled.
"""

from __future__ import annotations

import logging

from masakari.compute import exceptions as cexc
from masakari.engine import exceptions
from masakari.engine.drivers.taskflow import base
from masakari.engine.drivers.taskflow import fence_step

LOG = logging.getLogger(__name__)


class DisableComputeServiceTask(base.MasakariTask):
    """Take the failed host out of scheduling and make Nova accept evacuations.

    First the safety gates and the proof that the host is off (see
    fence_step). A host proven off is marked forced_down *before* it is
    disabled, so Nova neither waits on the dead host nor refuses the
    evacuation; otherwise we poll until Nova itself reports the service down.
    """

    def execute(
        self,
        host_name: str,
        fenced: bool = False,
        fence_evidence: dict | None = None,
    ) -> None:
        nova, ctx, conf = self.novaclient, self.context, self.conf
        self.update_details(
            f"Disabling compute service on host: '{host_name}'"
        )
        fence_step.check_gates(self, host_name)
        fenced = fence_step.prove_off(self, host_name, fenced, fence_evidence)
        service = nova.get_compute_service(ctx, host_name)
        if (
            fenced
            and conf.host_failure.force_down_fenced_host
            and not service.get("forced_down")
        ):
            try:
                service = (
                    nova.set_forced_down(ctx, service["id"], True) or service
                )
                self.update_details(
                    f"Marked compute service on host '{host_name}' "
                    "forced down",
                    0.3,
                )
            except cexc.ComputeError as err:
                LOG.warning(
                    "Could not force down nova-compute on %s: %s",
                    host_name,
                    err,
                )
        service = self._disable(service, host_name)
        self._wait_until_down(host_name, service)
        if service.get("status") != "disabled":
            # The first attempt timed out while Nova still believed the host
            # up (nova-api waits on an RPC to the dead host); now it is down
            # and Nova answers at once.
            self._disable(service, host_name, final=True)
        self.update_details(
            f"Disabled compute service on host: '{host_name}'", 1.0
        )

    def _disable(
        self, service: dict, host_name: str, final: bool = False
    ) -> dict:
        if service.get("status") == "disabled":
            return service
        nova, ctx = self.novaclient, self.context
        try:
            return (
                nova.disable_service(
                    ctx,
                    service["id"],
                    self.conf.host_failure.service_disable_reason,
                )
                or dict(service, status="disabled")
            )
        except cexc.ComputeUnavailable as err:
            if final:
                raise
            LOG.warning(
                "Disabling nova-compute on %s failed (%s); retrying once "
                "Nova reports it down",
                host_name,
                err,
            )
            return service

    def _wait_until_down(self, host_name: str, service: dict) -> None:
        if _is_down(service):
            return
        nova, ctx = self.novaclient, self.context

        def down() -> dict | None:
            current = nova.get_compute_service(ctx, host_name)
            return current if _is_down(current) else None

        try:
            self.wait(
                down,
                self.conf.wait_period_after_service_update,
                f"nova-compute on {host_name} to be reported down",
            )
        except exceptions.WaitTimeout as err:
            # Same as upstream after its fixed sleep: go on; Nova will refuse
            # evacuations with a clear error if the host is really still up.
            LOG.warning("%s; evacuating anyway", err)
            self.update_details(str(err), 0.9)


def _is_down(service: dict) -> bool:
    return service.get("state") == "down" or bool(service.get("forced_down"))
