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

"""The evacuation of one instance of a failed host, and its vmove record."""

from __future__ import annotations

import datetime
import logging
import threading
from typing import Any, Callable

from masakari.compute import exceptions as cexc
from masakari.engine import exceptions
from masakari.engine.drivers.taskflow import poller as poller_mod
from masakari.engine.drivers.taskflow import start_order
from masakari.engine.drivers.taskflow import vmove_writer
from masakari.engine.drivers.taskflow.servers import HOST
from masakari.engine.drivers.taskflow.servers import NODE
from masakari.engine.drivers.taskflow.servers import POWER_STATE
from masakari.engine.drivers.taskflow.servers import SHUTDOWN
from masakari.engine.drivers.taskflow.servers import TASK_STATE
from masakari.engine.drivers.taskflow.servers import VM_STATE

LOG = logging.getLogger(__name__)

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


def iso_since(now: Any, back: int) -> str:
    """``now`` minus ``back`` seconds, as Nova's changes-since wants it."""
    return (now - datetime.timedelta(seconds=back)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


class InstanceEvacuation:
    """Evacuate-and-confirm one instance.

    The instance is locked while masakari works on it (and unlocked by
    whoever finishes), normalised to a state Nova evacuates, evacuated,
    and confirmed only once Nova finished rebuilding it on another host.
    Every exception ends in a 'failed' vmove (never a stale 'pending'); a
    cancelled run leaves the vmove as it is for the next owner.
    """

    def __init__(
        self,
        task: Any,
        poller: poller_mod.BatchPoller,
        source: str,
        target: str | None,
        slots: threading.Semaphore | None = None,
        targets: dict[str, str] | None = None,
    ) -> None:
        """``targets``: instance uuid -> the host a recovery policy chose
        for it (others go to ``target``, or Nova's scheduler picks)."""
        self.slots = slots or threading.Semaphore(1)
        self.targets = dict(targets or {})
        # Set by prepare(): evacuations then start in plan order.
        self.order: start_order.StartOrder | None = None
        self.task = task
        self.poller = poller
        self.source = source
        self.target = target
        # vmove uuid -> (server record, vmove values already written)
        self._prepared: dict[str, tuple[dict, dict]] = {}
        # Instances finishing together share a transaction.
        self.writer = vmove_writer.GroupWriter(task.runtime.store)

    def prepare(
        self, vmoves: list, take_listing: Callable[[], list | None]
    ) -> None:
        """Read every server in one listing and mark the vmoves in bulk.

        Also fixes the order in which the evacuations start (``vmoves``
        is the plan, HA-enabled instances first).

        Takes one GET and at most two DB writes off the critical path of
        every instance; whatever this cannot settle (a server that left the
        listing, a DB without bulk updates, an error) falls back to the
        per-instance path in :meth:`_start`. ``take_listing`` gives a
        recent listing of the source host, if there is one.
        """
        self.order = start_order.StartOrder(
            [v.uuid for v in vmoves],
            self.task.conf.wait_period_after_evacuation)
        task = self.task
        db, clock = task.runtime.store, task.runtime.clock
        bulk = getattr(db, "vmove_update_many", None)
        if bulk is None or len(vmoves) < 2:
            return
        try:
            listing = take_listing()
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
                    values = {"status": "ongoing", "start_time": now,
                              **self._intended_target()}
                    if with_lock_mark:
                        values["message"] = LOCK_MARK
                    bulk(uuids, values)
        except Exception:  # noqa: BLE001 - per-instance path instead
            LOG.exception("Could not mark the evacuations started")
            return
        self._prepared = prepared

    def run(self, vmove: Any) -> bool:
        """Evacuate one instance; False when it failed."""
        try:
            return self._run(vmove)
        finally:
            if self.order is not None:
                self.order.passed(vmove.uuid)

    def _run(self, vmove: Any) -> bool:
        task, runtime = self.task, self.task.runtime
        if runtime.cancel.is_set():
            return True
        with runtime.pools.cap:
            lock = {"ours": vmove.message == LOCK_MARK}
            cancelled = False
            try:
                server = self._evacuate(vmove, lock)
                dest = server.get(NODE) or server.get(HOST)
                LOG.info(
                    "Instance %s moved from %s to %s: succeeded",
                    vmove.instance_uuid,
                    self.source,
                    server.get(HOST) or dest,
                )
                self._update(
                    vmove,
                    status="succeeded",
                    message=None,
                    dest_host=dest,
                    end_time=runtime.clock.utcnow(),
                )
                return True
            except exceptions.RecoveryCancelled:
                cancelled = True
                return True
            except Exception as err:  # noqa: BLE001
                # Every failure ends the vmove.
                LOG.warning(
                    "Instance %s moved from %s to %s: failed (%s)",
                    vmove.instance_uuid,
                    self.source,
                    self.target or "any host",
                    err,
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

    def _intended_target(self) -> dict[str, str]:
        """The reserved host, recorded as dest_host when an evacuation
        starts: an engine resuming the recovery after a crash finds the
        reserved host it had taken (no longer marked reserved) there."""
        return {"dest_host": self.target} if self.target else {}

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
        first = (self.order.first_slot(vmove.uuid, self.slots)
                 if self.order is not None else self.slots)
        with first:
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
            values.update(self._intended_target())
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
            nova.evacuate(ctx, uuid, self.targets.get(uuid) or self.target)
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
        """Done when Nova finished the rebuild on another host.

        An instance in error on the source host counts as failed only once
        Nova has shown a task state (or if it was not in error before).
        """
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
