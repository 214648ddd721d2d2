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

"""What a host failure notification proves about the host's power state.

``host_status: NORMAL`` alone proves nothing: some monitors send it without
looking at the power state at all. Proof is a ``fencing`` object with
``"confirmed": true`` in the payload (the Pacemaker host monitor adds it
after a STONITH history entry or an IPMI power check), or, in the
``trust_monitor`` mode an operator chose, NORMAL itself.
"""

from __future__ import annotations

import dataclasses
from masakari.conf import fencing as fencing_conf

NORMAL = "NORMAL"
UNKNOWN = "UNKNOWN"


@dataclasses.dataclass(frozen=True)
class Decision:
    """How a COMPUTE_HOST STOPPED notification is handled."""

    recover: bool  # False: ignored, as a report without proof always was
    fenced: bool  # the payload already proves the host off
    evidence: dict | None  # the payload's fencing object, when it proves


def payload_evidence(payload: dict) -> dict | None:
    """The payload's ``fencing`` object when it confirms the host is off."""
    fencing = payload.get("fencing")
    if isinstance(fencing, dict) and fencing.get("confirmed") is True:
        return {
            "confirmed": True,
            "source": str(fencing.get("source") or "monitor"),
            "at": fencing.get("at"),
        }
    return None


def decide(mode: str, payload: dict, can_fence: bool) -> Decision:
    """Whether to recover, and whether the payload already proves the host
    off, for one COMPUTE_HOST STOPPED notification.

    ``can_fence``: the engine has fence devices for this host, so a report
    that proves nothing (even UNKNOWN) can still be recovered after the
    engine fenced the host itself.
    """
    status = str(payload.get("host_status") or "").upper()
    if mode == fencing_conf.MODE_TRUST_MONITOR:
        normal = status == NORMAL
        return Decision(recover=normal or can_fence, fenced=normal,
                        evidence=payload_evidence(payload))
    evidence = payload_evidence(payload)
    if evidence is not None:
        return Decision(recover=True, fenced=True, evidence=evidence)
    if status == NORMAL:
        return Decision(recover=True, fenced=False, evidence=None)
    return Decision(recover=can_fence, fenced=False, evidence=None)


def describe(host: str, evidence: dict | None, trusted: bool = False) -> str:
    """Progress-detail text saying why the host counts as off."""
    if evidence is not None:
        when = f" at {evidence['at']}" if evidence.get("at") else ""
        return (f"Host '{host}' proven powered off by the monitor's "
                f"evidence ({evidence.get('source')}{when})")
    if trusted:
        return (f"Host '{host}' treated as powered off: the monitor "
                "reported host_status NORMAL ([fencing] mode trust_monitor)")
    return f"No evidence that host '{host}' is powered off"
