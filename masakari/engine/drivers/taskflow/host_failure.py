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

"""Host failure recovery tasks (spec engine.md §4.1), with W1-W7 fixed.

disable → (wait until Nova reports the service down, or force it down when
the host is known to be fenced) → prepare the instance list (HA-enabled
first, re-using the records of an interrupted run) → evacuate concurrently,
confirming through one batched status poll.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime
import logging
import threading
import time
from typing import Any

from masakari.common import coordination
from masakari.compute import exceptions as cexc
from masakari.engine import exceptions
from masakari.engine.drivers.taskflow import base
from masakari.engine.drivers.taskflow import fence_step
from masakari.engine.drivers.taskflow import poller as poller_mod
from masakari.engine.drivers.taskflow import vmove_writer

LOG = logging.getLogger(__name__)

VM_STATE = "OS-EXT-STS:vm_state"
TASK_STATE = "OS-EXT-STS:task_state"
POWER_STATE = "OS-EXT-STS:power_state"
HOST = "OS-EXT-SRV-ATTR:host"
NODE = "OS-EXT-SRV-ATTR:hypervisor_hostname"
SHUTDOWN = 4
TRUE_STRINGS = frozenset({"1", "t", "true", "on", "y", "yes"})
UNFINISHED_VMOVE = ("pending", "ongoing")
# Seconds between two checks for cancellation while waiting for a reserved
# host another recovery uses.
RESERVED_WAIT_SLICE = 0.2
# Name prefix of the distributed lock of a reserved host.
RESERVED_LOCK_PREFIX = "masakari-reserved-host-"
# A listing taken by the prepare task is re-used by the evacuate task
# right after it when at most this old (clock seconds); older, Nova is asked
# again.
LISTING_MAX_AGE = 5.0
# Marks a vmove whose instance masakari locked, so whoever finishes the
# evacuation (this engine or the one resuming it) unlocks it.
LOCK_MARK = "locked by masakari"

# vm_state before evacuation -> (reset to error first?, stop afterwards?)
# 'resized' is decided by power state at run time; unknown states use DEFAULT.
NORMALISATION: dict[str, tuple[bool, bool]] = {
    "active": (False, False),
    "stopped": (False, False),
    "error": (False, True),
}
DEFAULT_NORMALISATION = (True, True)

_RESERVED_LOCKS: dict[str, threading.Lock] = {}
_RESERVED_LOCKS_GUARD = threading.Lock()


def is_true(value: Any) -> bool:
    return (
        str(value if value is not None else "").strip().lower() in TRUE_STRINGS
    )


def is_ha_enabled(server: dict, key: str) -> bool:
    return is_true((server.get("metadata") or {}).get(key))


RESERVED_DISABLE_REASON = (
    "Reserved host restored by masakari: no instance was evacuated to it."
)


@dataclasses.dataclass
class ReservedHostChanges:
    """What preparing a reserved host changed, for a rollback."""

    aggregates: list = dataclasses.field(default_factory=list)
    enabled_service: Any = None
    unreserved: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.aggregates
            or self.enabled_service is not None
            or self.unreserved
        )


@dataclasses.dataclass
class _ReservedHostClaim:
    """The locks that keep a reserved host to one recovery."""

    local: threading.Lock
    shared: Any = None

    def release(self) -> None:
        try:
            if self.shared is not None:
                try:
                    self.shared.release()
                except Exception as err:  # noqa: BLE001
                    LOG.warning("Could not release the lock of a reserved "
                                "host: %s", err)
        finally:
            self.local.release()


def _reserved_lock(name: str) -> threading.Lock:
    with _RESERVED_LOCKS_GUARD:
        return _RESERVED_LOCKS.setdefault(name, threading.Lock())


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


class PrepareHAEnabledInstancesTask(base.MasakariTask):
    """Select instances to evacuate (HA-enabled first) and record vmoves.

    Provides evacuation_plan: the vmove uuids of this attempt in priority
    order. Unfinished vmoves of an interrupted run are re-used, so the same
    instance is never evacuated twice.
    """

    default_provides = "evacuation_plan"

    def execute(self, host_name: str, notification_uuid: str) -> list[str]:
        nova, ctx, conf, db = (
            self.novaclient,
            self.context,
            self.conf,
            self.runtime.db,
        )
        key = conf.host_failure.ha_enabled_instance_metadata_key
        self.update_details(
            f"Preparing instances for evacuation from host '{host_name}'"
        )
        servers = nova.get_servers_on_host(ctx, host_name)
        self.runtime.remember_servers(host_name, servers)
        self.update_details(
            f"Total instances running on failed host '{host_name}' : "
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
        plan = self._plan(db, host_name, notification_uuid, selected)
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
        return plan

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


class EvacuateInstancesTask(base.MasakariTask):
    """Evacuate the plan concurrently; judge only this attempt."""

    def execute(
        self,
        host_name: str,
        notification_uuid: str,
        reserved_host: str | None = None,
        evacuation_plan: list[str] | None = None,
    ) -> None:
        db = self.runtime.db
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
            lock = self._acquire_reserved_host(reserved_host)
            changes = ReservedHostChanges()
            try:
                try:
                    self._prepare_reserved_host(
                        host_name, reserved_host, changes
                    )
                    failed = self._evacuate_all(
                        host_name, vmoves, reserved_host
                    )
                except exceptions.RecoveryCancelled:
                    raise
                except Exception:
                    self._roll_back_reserved_host(reserved_host, changes)
                    raise
                if failed and len(failed) == len(vmoves):
                    # Nothing landed there: the host is still spare.
                    self._roll_back_reserved_host(reserved_host, changes)
            finally:
                lock.release()
        else:
            failed = self._evacuate_all(host_name, vmoves, None)
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

    def _acquire_reserved_host(self, reserved_host: str) -> _ReservedHostClaim:
        """Wait until no other recovery uses the host (W14, W8).

        Upstream failed at once when two hosts of a segment failed together
        and raced for one reserved host, and its lock only covered one
        engine. Here the second waits, at most wait_period_after_evacuation
        seconds (it waits for the first one's evacuations, which are
        bounded by the same option), then gives the host up: the retry
        moves on to the next reserved host. The wait also covers recoveries
        of other engines: a tooz lock per reserved host with [coordination]
        backend_url set, otherwise a lock in the masakari database; the
        backend or database frees it if its engine dies.
        """
        timeout = self.conf.wait_period_after_evacuation
        deadline = time.monotonic() + timeout
        lock = _reserved_lock(reserved_host)
        if not lock.acquire(blocking=False):
            self.update_details(
                f"Reserved host '{reserved_host}' is in use by another "
                f"recovery; waiting up to {timeout} seconds for it",
                0.1,
            )
            # Real time: this waits for another thread to get something
            # done.
            while True:
                self.check_cancelled()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise exceptions.HostRecoveryFailureException(
                        reason=f"reserved host {reserved_host} is busy"
                    )
                if lock.acquire(
                    timeout=min(remaining, RESERVED_WAIT_SLICE)
                ):
                    break
        try:
            shared = coordination.engine_lock(
                self.conf, RESERVED_LOCK_PREFIX + reserved_host
            )
            if shared is not None and not shared.acquire(blocking=False):
                self._wait_for_shared(reserved_host, shared, deadline)
        except BaseException:
            lock.release()
            raise
        return _ReservedHostClaim(lock, shared)

    def _wait_for_shared(
        self, reserved_host: str, shared: Any, deadline: float
    ) -> None:
        remaining = max(0.0, deadline - time.monotonic())
        self.update_details(
            f"Reserved host '{reserved_host}' is in use by a recovery of "
            f"another engine; waiting up to {int(remaining)} seconds for it",
            0.1,
        )
        try:
            self.wait(
                lambda: shared.acquire(blocking=False) or None,
                remaining,
                f"reserved host {reserved_host} to be free",
            )
        except exceptions.WaitTimeout:
            raise exceptions.HostRecoveryFailureException(
                reason=f"reserved host {reserved_host} is busy"
            ) from None

    def _roll_back_reserved_host(
        self, reserved_host: str, changes: ReservedHostChanges
    ) -> None:
        """Undo what preparing ``reserved_host`` changed (W13/W27).

        Called when no instance was evacuated to it, so the next reserved
        host (or a later recovery) finds it as the operator left it.
        """
        if not changes or not self.conf.host_failure.rollback_reserved_host:
            return
        nova, ctx = self.novaclient, self.context
        self.update_details(
            f"No instance was evacuated to reserved host '{reserved_host}'; "
            "restoring it",
            0.8,
        )
        steps: list[tuple[str, Any]] = [
            (
                f"remove it from aggregate {agg_id}",
                lambda a=agg_id: nova.remove_host_from_aggregate(
                    ctx, a, reserved_host
                ),
            )
            for agg_id in changes.aggregates
        ]
        if changes.enabled_service is not None:
            steps.append((
                "disable its compute service",
                lambda: nova.disable_service(
                    ctx, changes.enabled_service, RESERVED_DISABLE_REASON
                ),
            ))
        if changes.unreserved and self.update_host_method is not None:
            steps.append((
                "mark it reserved again",
                lambda: self.update_host_method(reserved_host, reserved=True),
            ))
        for what, step in steps:
            try:
                step()
            except Exception as err:  # noqa: BLE001 - best effort, go on
                LOG.warning(
                    "Could not %s (reserved host %s): %s",
                    what,
                    reserved_host,
                    err,
                )

    def _prepare_reserved_host(
        self,
        host_name: str,
        reserved_host: str,
        changes: ReservedHostChanges | None = None,
    ) -> None:
        changes = changes if changes is not None else ReservedHostChanges()
        nova, ctx, conf = self.novaclient, self.context, self.conf
        if conf.host_failure.add_reserved_host_to_aggregate:
            for aggregate in nova.list_aggregates(ctx):
                hosts = aggregate.get("hosts") or []
                if host_name not in hosts or reserved_host in hosts:
                    continue
                name = aggregate.get("name")
                self.update_details(
                    f"Add host {reserved_host} to aggregate {name}", 0.2
                )
                try:
                    nova.add_host_to_aggregate(
                        ctx, aggregate["id"], reserved_host
                    )
                    changes.aggregates.append(aggregate["id"])
                    self.update_details(
                        f"Added host {reserved_host} to aggregate {name}", 0.3
                    )
                except cexc.ComputeConflict:
                    self.update_details(
                        f"Host {reserved_host} already in aggregate {name}",
                        1.0,
                    )
        self.update_details(f"Enabling reserved host: '{reserved_host}'", 0.1)
        service = nova.get_compute_service(ctx, reserved_host)
        if service.get("state") == "down" or service.get("forced_down"):
            raise exceptions.HostRecoveryFailureException(
                reason=f"reserved host {reserved_host} is down"
            )
        if service.get("status") != "enabled":
            nova.enable_service(ctx, service["id"])
            changes.enabled_service = service["id"]
        if self.update_host_method is not None:
            self.update_host_method(reserved_host)
            changes.unreserved = True

    def _evacuate_all(
        self, host_name: str, vmoves: list, target: str | None
    ) -> list[str]:
        if not vmoves:
            return []
        conf, runtime = self.conf, self.runtime
        changes_since = _iso(runtime.clock.utcnow(), back=600)
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
        evacuation = InstanceEvacuation(self, poller, host_name, target, slots)
        evacuation.prepare(vmoves)
        failed: list[str] = []
        futures = {
            runtime.pool.submit(evacuation.run, vmove): vmove
            for vmove in vmoves
        }
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


def start_values(
    vmove: Any, server: dict, source: str, now: datetime.datetime
) -> dict[str, Any] | None:
    """vmove values recording that the evacuation of ``server`` starts.

    None when an earlier (interrupted) attempt already started it: the
    server left the source host or is busy with the evacuation we recorded.
    """
    if server.get(HOST) != source:
        return None
    if server.get(TASK_STATE) is not None and vmove.status == "ongoing":
        return None
    values: dict[str, Any] = {"status": "ongoing", "start_time": now}
    if not server.get("locked"):
        # Record the intent first: whoever resumes after a crash between
        # the two calls still knows the lock is ours to release.
        values["message"] = LOCK_MARK
    return values


def _iso(now: Any, back: int) -> str:
    return (now - datetime.timedelta(seconds=back)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


class InstanceEvacuation:
    """Evacuate-and-confirm one instance (spec §4.1.7, W3/W5/W6/W7 fixed).

    Every exception ends in a 'failed' vmove (never a stale 'pending'); a
    cancelled run leaves the vmove as it is for the next owner.
    """

    def __init__(
        self,
        task: EvacuateInstancesTask,
        poller: poller_mod.BatchPoller,
        source: str,
        target: str | None,
        slots: threading.Semaphore | None = None,
    ) -> None:
        self.slots = slots or threading.Semaphore(1)
        self.task = task
        self.poller = poller
        self.source = source
        self.target = target
        # vmove uuid -> (server record, vmove values already written)
        self._prepared: dict[str, tuple[dict, dict]] = {}
        # Instances finishing together share a transaction.
        self.writer = vmove_writer.GroupWriter(task.runtime.db)

    def prepare(self, vmoves: list) -> None:
        """Read every server in one listing and mark the vmoves in bulk.

        Takes one GET and at most two DB writes off the critical path of
        every instance; whatever this cannot settle (a server that left the
        listing, a DB without bulk updates, an error) falls back to the
        per-instance path in :meth:`_start`.
        """
        task = self.task
        db, clock = task.runtime.db, task.runtime.clock
        bulk = getattr(db, "vmove_update_many", None)
        if bulk is None or len(vmoves) < 2:
            return
        try:
            listing = task.runtime.recent_servers(self.source, LISTING_MAX_AGE)
            if listing is None:
                listing = task.novaclient.get_servers_on_host(
                    task.context, self.source
                )
            servers = {s.get("id"): s for s in listing}
        except Exception as err:  # noqa: BLE001 - per-instance path instead
            LOG.warning("Could not list servers on %s: %s", self.source, err)
            return
        now = clock.utcnow()
        groups: dict[bool, list[str]] = {True: [], False: []}
        prepared: dict[str, tuple[dict, dict]] = {}
        for vmove in vmoves:
            server = servers.get(vmove.instance_uuid)
            values = (
                start_values(vmove, server, self.source, now)
                if server is not None
                else None
            )
            if values is None:
                continue
            groups["message" in values].append(vmove.uuid)
            prepared[vmove.uuid] = (server, values)
        try:
            for with_lock_mark, uuids in groups.items():
                if uuids:
                    values = {"status": "ongoing", "start_time": now}
                    if with_lock_mark:
                        values["message"] = LOCK_MARK
                    bulk(uuids, values)
        except Exception:  # noqa: BLE001 - per-instance path instead
            LOG.exception("Could not mark the evacuations started")
            return
        self._prepared = prepared

    def run(self, vmove: Any) -> bool:
        task, runtime = self.task, self.task.runtime
        if runtime.cancel.is_set():
            return True
        with runtime.cap:
            lock = {"ours": vmove.message == LOCK_MARK}
            cancelled = False
            try:
                server = self._evacuate(vmove, lock)
                self._update(
                    vmove,
                    status="succeeded",
                    message=None,
                    dest_host=server.get(NODE) or server.get(HOST),
                    end_time=runtime.clock.utcnow(),
                )
                return True
            except exceptions.RecoveryCancelled:
                cancelled = True
                return True
            except Exception as err:  # noqa: BLE001
                # Every failure ends the vmove.
                LOG.warning(
                    "Evacuation of %s failed: %s", vmove.instance_uuid, err
                )
                self._update(
                    vmove,
                    status="failed",
                    message=str(err),
                    end_time=runtime.clock.utcnow(),
                )
                return False
            finally:
                if lock["ours"] and not cancelled:
                    try:
                        with self.slots:
                            task.novaclient.unlock_server(
                                task.context, vmove.instance_uuid
                            )
                    except Exception as err:  # noqa: BLE001
                        LOG.warning(
                            "Could not unlock %s: %s", vmove.instance_uuid, err
                        )

    def _update(self, vmove: Any, **values: Any) -> None:
        try:
            self.writer.update(vmove.uuid, values)
        except Exception:  # noqa: BLE001
            # A record error must not stop the others.
            LOG.exception("Could not update vmove %s", vmove.uuid)

    def _evacuate(self, vmove: Any, lock: dict) -> dict:
        task = self.task
        nova, ctx, conf = task.novaclient, task.context, task.conf
        uuid = vmove.instance_uuid
        with self.slots:
            started = self._start(vmove, lock)
        if started is None:
            # Started by an earlier (interrupted) attempt: only confirm it.
            return self.poller.wait_for(
                uuid,
                self._confirm(None, True),
                conf.wait_period_after_evacuation,
                f"evacuation of {uuid}",
            )
        vm0, prev, stop_after = started
        server = self.poller.wait_for(
            uuid,
            self._confirm(prev, False),
            conf.wait_period_after_evacuation,
            f"evacuation of {uuid}",
        )
        if vm0 != "active" and stop_after:
            if server.get(VM_STATE) != "stopped":
                with self.slots:
                    nova.stop_server(ctx, uuid)
                server = self.poller.wait_for(
                    uuid,
                    lambda s: s.get(VM_STATE) == "stopped" or None,
                    conf.wait_period_after_power_off,
                    f"{uuid} to stop",
                )
            if vm0 == "error":
                with self.slots:
                    nova.reset_state(ctx, uuid, "error")
        return server

    def _start(self, vmove: Any, lock: dict) -> tuple | None:
        """Lock, normalise and evacuate; None if already under way.

        Returns (vm_state before, vm_state the evacuation started from,
        stop afterwards?).
        """
        task = self.task
        nova, ctx, clock = task.novaclient, task.context, task.runtime.clock
        uuid = vmove.instance_uuid
        prepared = self._prepared.pop(vmove.uuid, None)
        if prepared is not None:
            server, values = prepared
        else:
            server = nova.get_server(ctx, uuid)
            values = start_values(vmove, server, self.source, clock.utcnow())
            if values is None:
                return None
            self._update(vmove, **values)
        if "message" in values:
            lock["ours"] = True
        vm0 = server.get(VM_STATE)
        reset, stop_after = NORMALISATION.get(vm0, DEFAULT_NORMALISATION)
        if vm0 in NORMALISATION and server.get(TASK_STATE) is not None:
            reset, stop_after = True, vm0 != "active"
        if lock["ours"] and not server.get("locked"):
            nova.lock_server(ctx, uuid)
        if reset:
            nova.reset_state(ctx, uuid, "error")
            server = nova.get_server(ctx, uuid)
            if vm0 == "resized":
                stop_after = server.get(POWER_STATE) == SHUTDOWN
        try:
            nova.evacuate(ctx, uuid, self.target)
        except cexc.ComputeUnavailable:
            # Timed out or 5xx: Nova may still have accepted it. Only a
            # server that shows no sign of an evacuation is a failure.
            after = nova.get_server(ctx, uuid)
            if (
                after.get(TASK_STATE) is None
                and after.get(HOST) == self.source
            ):
                raise
        return vm0, server.get(VM_STATE), stop_after

    def _confirm(self, prev: str | None, seen_task: bool) -> poller_mod.Check:
        """Done when Nova finished the rebuild on another host (W6/W7)."""
        state = {"seen_task": seen_task}
        source = self.source

        def check(server: dict) -> bool | None:
            vm_state = server.get(VM_STATE)
            if server.get(TASK_STATE) is not None:
                state["seen_task"] = True
                return None
            moved = server.get(HOST) not in (None, source)
            if moved:
                if vm_state == "error" and prev != "error":
                    raise exceptions.InstanceRecoveryFailureException(
                        reason=f"instance {server.get('id')} is in error "
                        f"state on {server.get(HOST)} after evacuation"
                    )
                return True
            failed = prev != "error" or state["seen_task"]
            if vm_state == "error" and failed:
                raise exceptions.InstanceRecoveryFailureException(
                    reason=f"evacuation of instance {server.get('id')} "
                    f"failed; it is in "
                    f"error state on {source}"
                )
            return None

        return check
