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

"""What each notification type does, and how outcomes map to statuses.

A handler returns (status, exception-or-None); exceptions listed in
OUTCOMES are expected results, anything else is 'error'.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, Callable

from masakari.engine import events
from masakari.engine import exceptions
from masakari.engine import store as store_mod
from masakari.engine.fencing import evidence

LOG = logging.getLogger(__name__)

# Expected outcomes a driver signals by raising these exceptions.
OUTCOMES: tuple[tuple[type[Exception], str], ...] = (
    (exceptions.SkipHostRecoveryException, "finished"),
    (exceptions.SkipInstanceRecoveryException, "finished"),
    (exceptions.SkipProcessRecoveryException, "finished"),
    (exceptions.IgnoreInstanceRecoveryException, "ignored"),
)
# Outcomes reported with notification.process.error although not 'error'.
ERROR_EVENT_OUTCOMES = (exceptions.IgnoreInstanceRecoveryException,)


@dataclasses.dataclass
class Outcome:
    status: str
    error: Exception | None = None
    emit: bool = True  # send notification.process.end/.error

    @property
    def message(self) -> str | None:
        return None if self.error is None else str(self.error)


@dataclasses.dataclass
class Job:
    """Everything a handler needs about one claimed notification.

    ``store`` writes host rows (announced as host.update.*); ``runtime``
    is what the driver receives (see masakari.engine.driver_api).
    """

    context: Any
    notification: Any
    host: Any
    payload: dict
    driver: Any
    db: Any
    store: store_mod.EngineStore
    runtime: Any

    def update_host(self, host: Any, values: dict) -> Any:
        """Save a host change, announced as host.update.* by the engine."""
        return self.store.update_host(host, values)


def run_driver(call: Callable[[], None]) -> Outcome:
    try:
        call()
    except exceptions.RecoveryCancelled:
        raise
    except Exception as err:  # noqa: BLE001 - mapped to a status below
        for cls, status in OUTCOMES:
            if isinstance(err, cls):
                if isinstance(err, ERROR_EVENT_OUTCOMES):
                    return Outcome(status, err)
                LOG.info("%s", err)
                return Outcome(status)
        LOG.error("Recovery failed: %s", err)
        return Outcome("error", err)
    return Outcome("finished")


def _event(job: Job) -> str:
    return str(job.payload.get("event", "")).upper()


def _fencing_decision(job: Job) -> evidence.Decision:
    runtime = job.runtime
    mode = runtime.conf.fencing.mode
    fencer = runtime.fencer
    can_fence = fencer is not None and fencer.has_devices(job.host.name)
    return evidence.decide(mode, job.payload, can_fence)


def handle_compute_host(job: Job) -> Outcome:
    event = _event(job)
    host_status = str(job.payload.get("host_status") or "").upper()
    if event == "STARTED" and host_status == "NORMAL":
        return Outcome("finished")
    if event != "STOPPED":
        return Outcome("ignored")
    decision = _fencing_decision(job)
    if not decision.recover:
        # A report that proves nothing, for a host the engine cannot fence
        # itself: nothing is done, as with upstream's UNKNOWN reports.
        return Outcome("ignored")
    host = job.host
    values: dict[str, Any] = {"on_maintenance": True}
    if host.reserved:
        values["reserved"] = False
    job.update_host(host, values)
    segment = host.failover_segment
    method = segment.recovery_method
    reserved = None if method == "auto" else _reserved_hosts(job, segment)
    return run_driver(
        lambda: job.driver.execute_host_failure(
            job.context,
            host.name,
            method,
            job.notification.notification_uuid,
            reserved_host_list=reserved,
            fenced=decision.fenced,
            fence_evidence=decision.evidence,
            runtime=job.runtime,
        )
    )


def _reserved_hosts(job: Job, segment: Any) -> list[str]:
    """The reserved hosts a host recovery may use, in order of preference.

    First those this notification already evacuates onto (the dest_host
    of its vmoves): a recovery resumed after its engine died keeps the
    reserved host it took, which it marked as no longer reserved then.
    Then the segment's free reserved hosts, newest first.
    """
    db, host = job.db, job.host
    rows = db.host_get_all_by_filters(
        filters={"failover_segment_id": segment.uuid,
                 "on_maintenance": False},
        sort_keys=["created_at", "id"],
        sort_dirs=["desc", "desc"],
    )
    members = {h.name for h in rows if h.name != host.name}
    moves = db.vmove_get_all_by_filters(
        filters={"notification_uuid": job.notification.notification_uuid})
    taken = [m.dest_host for m in moves if m.dest_host in members]
    free = [h.name for h in rows if h.reserved and h.name != host.name]
    return list(dict.fromkeys(taken + free))


def handle_process(job: Job) -> Outcome:
    event = _event(job)
    if event == "STARTED":
        return Outcome("finished")
    if event != "STOPPED":
        return Outcome("ignored")
    process_name = job.payload.get("process_name")
    if process_name != "nova-compute":
        # A process masakari does not act on leaves the host alone (not
        # even put on maintenance).
        return Outcome("finished")
    job.update_host(job.host, {"on_maintenance": True})
    return run_driver(
        lambda: job.driver.execute_process_failure(
            job.context,
            process_name,
            job.host.name,
            job.notification.notification_uuid,
            runtime=job.runtime,
        )
    )


def handle_vm(job: Job) -> Outcome:
    pair = (job.payload.get("event"), job.payload.get("vir_domain_event"))
    if pair not in events.RECOVERABLE_INSTANCE_EVENTS:
        return Outcome("ignored", emit=False)
    return run_driver(
        lambda: job.driver.execute_instance_failure(
            job.context,
            job.payload.get("instance_uuid"),
            job.notification.notification_uuid,
            host_name=job.host.name,
            runtime=job.runtime,
        )
    )


HANDLERS: dict[str, Callable[[Job], Outcome]] = {
    "COMPUTE_HOST": handle_compute_host,
    "PROCESS": handle_process,
    "VM": handle_vm,
}


def handle(job: Job) -> Outcome:
    handler = HANDLERS.get(job.notification.type)
    if handler is None:
        return Outcome("ignored", emit=False)
    return handler(job)
