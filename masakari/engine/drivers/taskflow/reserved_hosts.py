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

"""Reserved hosts of a host recovery: claim, prepare, roll back.

A reserved host is used by one recovery at a time (a lock per host in
this engine and, when configured, one shared by all engines). Preparing
it puts it in the failed host's aggregates, enables its compute service
and clears its ``reserved`` flag; when nothing was evacuated to it, all
of that is undone so the next recovery finds it as the operator left it.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any

from masakari.compute import exceptions as cexc
from masakari.engine import exceptions

LOG = logging.getLogger(__name__)

# Seconds between two checks for cancellation while waiting for a reserved
# host another recovery uses.
RESERVED_WAIT_SLICE = 0.2
# Name prefix of the lock of a reserved host.
RESERVED_LOCK_PREFIX = "masakari-reserved-host-"
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
class ReservedHostClaim:
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


def acquire(task: Any, reserved_host: str) -> ReservedHostClaim:
    """Wait until no other recovery uses the host.

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
    timeout = task.conf.wait_period_after_evacuation
    deadline = time.monotonic() + timeout
    lock = task.runtime.locks.local(RESERVED_LOCK_PREFIX + reserved_host)
    if not lock.acquire(blocking=False):
        task.update_details(
            f"Reserved host '{reserved_host}' is in use by another "
            f"recovery; waiting up to {timeout} seconds for it",
            0.1,
        )
        # Real time: this waits for another thread to get something
        # done.
        while True:
            task.check_cancelled()
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
        shared = task.runtime.locks.shared(
            RESERVED_LOCK_PREFIX + reserved_host
        )
        if shared is not None and not shared.acquire(blocking=False):
            _wait_for_shared(task, reserved_host, shared, deadline)
    except BaseException:
        lock.release()
        raise
    return ReservedHostClaim(lock, shared)


def _wait_for_shared(
    task: Any, reserved_host: str, shared: Any, deadline: float
) -> None:
    remaining = max(0.0, deadline - time.monotonic())
    task.update_details(
        f"Reserved host '{reserved_host}' is in use by a recovery of "
        f"another engine; waiting up to {int(remaining)} seconds for it",
        0.1,
    )
    try:
        task.wait(
            lambda: shared.acquire(blocking=False) or None,
            remaining,
            f"reserved host {reserved_host} to be free",
        )
    except exceptions.WaitTimeout:
        raise exceptions.HostRecoveryFailureException(
            reason=f"reserved host {reserved_host} is busy"
        ) from None


def roll_back(
    task: Any, reserved_host: str, changes: ReservedHostChanges
) -> None:
    """Undo what preparing ``reserved_host`` changed.

    Called when no instance was evacuated to it, so the next reserved
    host (or a later recovery) finds it as the operator left it.
    """
    if not changes or not task.conf.host_failure.rollback_reserved_host:
        return
    nova, ctx = task.novaclient, task.context
    task.update_details(
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
    if changes.unreserved:
        steps.append((
            "mark it reserved again",
            lambda: task.runtime.store.set_host_reserved(
                reserved_host, True
            ),
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


def prepare(
    task: Any,
    host_name: str,
    reserved_host: str,
    changes: ReservedHostChanges | None = None,
) -> None:
    changes = changes if changes is not None else ReservedHostChanges()
    nova, ctx, conf = task.novaclient, task.context, task.conf
    if conf.host_failure.add_reserved_host_to_aggregate:
        for aggregate in nova.list_aggregates(ctx):
            hosts = aggregate.get("hosts") or []
            if host_name not in hosts or reserved_host in hosts:
                continue
            name = aggregate.get("name")
            task.update_details(
                f"Add host {reserved_host} to aggregate {name}", 0.2
            )
            try:
                nova.add_host_to_aggregate(
                    ctx, aggregate["id"], reserved_host
                )
                changes.aggregates.append(aggregate["id"])
                task.update_details(
                    f"Added host {reserved_host} to aggregate {name}", 0.3
                )
            except cexc.ComputeConflict:
                task.update_details(
                    f"Host {reserved_host} already in aggregate {name}",
                    1.0,
                )
    task.update_details(f"Enabling reserved host: '{reserved_host}'", 0.1)
    service = nova.get_compute_service(ctx, reserved_host)
    if service.get("state") == "down" or service.get("forced_down"):
        raise exceptions.HostRecoveryFailureException(
            reason=f"reserved host {reserved_host} is down"
        )
    if service.get("status") != "enabled":
        nova.enable_service(ctx, service["id"])
        changes.enabled_service = service["id"]
    task.runtime.store.set_host_reserved(reserved_host, False)
    changes.unreserved = True
