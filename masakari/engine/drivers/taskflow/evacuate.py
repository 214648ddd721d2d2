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

"""The last task of a host recovery: evacuate the planned instances.

Instances are evacuated concurrently (InstanceEvacuation does one), on a
reserved host when the workflow names one, and confirmed through one
batched status poll.
"""

from __future__ import annotations

import concurrent.futures
import threading
from typing import Any

from masakari.engine import exceptions
from masakari.engine.drivers.taskflow import base
from masakari.engine.drivers.taskflow import poller as poller_mod
from masakari.engine.drivers.taskflow import reserved_hosts
from masakari.engine.drivers.taskflow import tiers
from masakari.engine.drivers.taskflow.instance_evacuation import (
    InstanceEvacuation,
)
from masakari.engine.drivers.taskflow.instance_evacuation import iso_since
from masakari.engine.drivers.taskflow.prepare import UNFINISHED_VMOVE

# The prepare task's listing is re-used by this task right after it when
# at most this old (clock seconds); older, Nova is asked again.
LISTING_MAX_AGE = 5.0


class EvacuateInstancesTask(base.MasakariTask):
    """Evacuate the plan concurrently; judge only this attempt.

    host_servers, the listing the prepare task took, spares one listing
    of the failed host when it is recent (LISTING_MAX_AGE); it is used
    once, a retry on the next reserved host lists again.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing_used = False

    def execute(
        self,
        host_name: str,
        notification_uuid: str,
        reserved_host: str | None = None,
        evacuation_plan: list[str] | None = None,
        host_servers: dict | None = None,
        evacuation_policy: dict | None = None,
    ) -> None:
        db = self.runtime.store
        records = db.vmove_get_all_by_filters(
            filters={"notification_uuid": notification_uuid},
            sort_keys=["created_at", "id"],
            sort_dirs=["asc", "asc"],
        )
        if evacuation_plan is None:
            vmoves = [v for v in records if v.status in UNFINISHED_VMOVE]
        else:
            # One query for the whole plan rather than one per instance.
            by_uuid = {v.uuid: v for v in records}
            vmoves = [
                by_uuid.get(u) or db.vmove_get_by_uuid(u)
                for u in evacuation_plan
            ]
        ids = [v.instance_uuid for v in vmoves]
        self.update_details(
            f"Start evacuation of instances from failed host "
            f"'{host_name}', instance uuids are: '{','.join(ids)}'"
        )
        if reserved_host:
            lock = reserved_hosts.acquire(self, reserved_host)
            changes = reserved_hosts.ReservedHostChanges()
            try:
                try:
                    reserved_hosts.prepare(
                        self, host_name, reserved_host, changes
                    )
                    failed = self._evacuate_all(
                        host_name, vmoves, reserved_host, host_servers,
                        evacuation_policy,
                    )
                except exceptions.RecoveryCancelled:
                    raise
                except Exception:
                    reserved_hosts.roll_back(self, reserved_host, changes)
                    raise
                if failed and len(failed) == len(vmoves):
                    # Nothing landed there: the host is still spare.
                    reserved_hosts.roll_back(self, reserved_host, changes)
            finally:
                lock.release()
        else:
            failed = self._evacuate_all(
                host_name, vmoves, None, host_servers, evacuation_policy
            )
        if evacuation_policy and evacuation_policy.get("not_fitting"):
            # Reported as failed vmoves by the prepare task.
            failed = failed + list(evacuation_policy["not_fitting"])
        if failed:
            msg = (
                f"Failed to evacuate instances '{','.join(sorted(failed))}' "
                f"from host '{host_name}'"
            )
            self.update_details(msg, 0.7)
            raise exceptions.HostRecoveryFailureException(reason=msg)
        self.update_details(
            "Evacuation of instances from failed host "
            f"'{host_name}' completed",
            1.0,
        )

    def _recent_listing(
        self, host_name: str, host_servers: dict | None
    ) -> list[dict] | None:
        """The prepare task's listing if fresh and not used yet."""
        if host_servers is None or self._listing_used:
            return None
        self._listing_used = True
        if host_servers.get("host") != host_name:
            return None
        age = self.runtime.clock.monotonic() - host_servers["listed_at"]
        if age > LISTING_MAX_AGE:
            return None
        return list(host_servers["servers"])

    def _evacuate_all(
        self,
        host_name: str,
        vmoves: list,
        target: str | None,
        host_servers: dict | None = None,
        policy: dict | None = None,
    ) -> list[str]:
        if not vmoves:
            return []
        policy = policy or {}
        conf, runtime = self.conf, self.runtime
        changes_since = iso_since(runtime.clock.utcnow(), back=600)
        poller = poller_mod.BatchPoller(
            fetch=lambda ids: (
                self.novaclient.get_servers_by_ids(
                    self.context, ids, changes_since=changes_since
                )
                if len(ids) > 1
                else {ids[0]: self.novaclient.get_server(self.context, ids[0])}
            ),
            clock=runtime.clock,
            interval=min(conf.verify_interval, conf.evacuation_poll_interval),
            cancel=runtime.cancel,
            cancelled=lambda: exceptions.RecoveryCancelled(
                notification_uuid=runtime.notification_uuid, reason="cancelled"
            ),
        )
        # host_failure_recovery_threads bounds concurrent Nova requests of
        # this recovery; waiting for Nova to rebuild holds no slot, so every
        # instance can be rebuilding at once (within the process-wide cap).
        slots = threading.Semaphore(conf.host_failure_recovery_threads)
        evacuation = InstanceEvacuation(self, poller, host_name, target, slots,
                                        targets=policy.get("targets"))
        evacuation.prepare(
            vmoves, lambda: self._recent_listing(host_name, host_servers)
        )
        failed: list[str] = []
        futures: dict = {}
        groups = tiers.groups(vmoves, policy.get("tiers"))
        for number, group in enumerate(groups):
            started = {
                runtime.pools.executor.submit(evacuation.run, vmove): vmove
                for vmove in group
            }
            futures.update(started)
            if number < len(groups) - 1:
                tiers.wait_for_tier(self, started, policy["tier_timeout"],
                                    number + 1)
        for future in concurrent.futures.as_completed(futures):
            if not future.result():
                failed.append(futures[future].instance_uuid)
        self.check_cancelled()
        done = sorted(
            v.instance_uuid for v in vmoves if v.instance_uuid not in failed
        )
        self.update_details(
            f"Successfully evacuate instances '{','.join(done)}' "
            f"from host '{host_name}'",
            0.7,
        )
        return failed
