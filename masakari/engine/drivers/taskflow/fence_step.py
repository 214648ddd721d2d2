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

"""The first step of a host recovery: is the failed host proven off?

Runs before anything touches Nova. The safety gates come first; then the
proof: the notification's own evidence, else the engine's fence devices
for the host. A host without proof is never marked forced_down: in
``evidence`` mode the recovery goes on the slow, safe way (Nova must see
the service down by itself), in ``required`` mode it stops here.
"""

from __future__ import annotations

import logging
from typing import Any

from masakari.conf import fencing as fencing_conf
from masakari.engine import exceptions
from masakari.engine.fencing import evidence as evidence_mod
from masakari.engine.fencing import gates

LOG = logging.getLogger(__name__)


def _host_row(db: Any, host_name: str) -> Any:
    try:
        return db.host_get_by_name(host_name)
    except Exception as err:  # noqa: BLE001 - a gate without data is open
        LOG.warning("Safety gates not checked for %s: %s", host_name, err)
        return None


def _reported_at(runtime: Any) -> Any:
    """When the notification was stored (the database's clock, as every
    other count uses), or now when it cannot be read."""
    try:
        row = runtime.store.notification_get_by_uuid(runtime.notification_uuid)
        if row.created_at is not None:
            return row.created_at
    except Exception as err:  # noqa: BLE001
        LOG.debug("No stored time of %s: %s", runtime.notification_uuid, err)
    return runtime.clock.utcnow()


def check_gates(task: Any, host_name: str) -> None:
    """Raise SafetyGateClosed when the segment's failures look like a mass
    failure or exceed the per-window cap."""
    runtime = task.runtime
    settings = gates.Settings.from_conf(task.conf)
    if not settings.enabled:
        return
    host = _host_row(runtime.store, host_name)
    segment_uuid = getattr(host, "failover_segment_id", None)
    if host is None or segment_uuid is None:
        return
    reason = gates.check(runtime.store, segment_uuid, host.uuid,
                         _reported_at(runtime), settings)
    if reason is not None:
        LOG.error("Not recovering host %s: %s", host_name, reason)
        task.update_details(f"Safety gate closed: {reason}", 1.0)
        raise exceptions.SafetyGateClosed(host_name=host_name, reason=reason)


def prove_off(task: Any, host_name: str, fenced: bool,
              fence_evidence: dict | None) -> bool:
    """True when the host is proven off (by the notification or a fence
    device of this engine); False for the safe path; raises HostNotFenced
    in ``required`` mode when nothing proves it."""
    runtime, conf = task.runtime, task.conf
    mode = conf.fencing.mode
    if fenced or runtime.fence_proof is not None:
        proof = runtime.fence_proof
        if proof is None:
            trusted = mode == fencing_conf.MODE_TRUST_MONITOR
            proof = evidence_mod.describe(host_name, fence_evidence,
                                          trusted=trusted)
            runtime.fence_proof = proof
            LOG.info("%s", proof)
        task.update_details(proof, 0.1)
        return True
    fencer = runtime.fencer
    if fencer is not None and fencer.has_devices(host_name):
        task.update_details(f"Fencing host '{host_name}'", 0.1)
        outcome = fencer.fence(host_name, cancelled=runtime.cancel.is_set)
        for record in outcome.records:
            task.update_details(record.describe(), 0.1)
            if runtime.metrics is not None:
                runtime.metrics.fence_attempts.labels(
                    driver=record.driver, result=record.result).inc()
        if runtime.cancel.is_set():
            raise exceptions.RecoveryCancelled(
                notification_uuid=runtime.notification_uuid,
                reason="cancelled while fencing")
        if outcome.confirmed:
            runtime.fence_proof = outcome.proof.describe()
            return True
        reason = (f"none of its {len(outcome.records)} fence device(s) "
                  "confirmed it off")
    else:
        reason = "no evidence in the notification and no fence device"
    if mode == fencing_conf.MODE_REQUIRED:
        task.update_details(
            f"Host '{host_name}' not proven powered off ({reason}); "
            "[fencing] mode is required, so nothing is evacuated", 1.0)
        raise exceptions.HostNotFenced(host_name=host_name, reason=reason)
    LOG.warning("Host %s is not proven off (%s): it is not forced down; "
                "waiting for Nova to report its compute service down",
                host_name, reason)
    task.update_details(
        f"No evidence that host '{host_name}' is powered off ({reason}): "
        "not forcing it down; waiting for Nova to report its compute "
        "service down", 0.1)
    return False
