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

import pytest

from masakari.engine.fencing import evidence

PROOF = {"confirmed": True, "source": "ipmi", "at": "2026-12-07T17:00:00Z"}
NORMAL = {"event": "STOPPED", "host_status": "NORMAL"}
UNKNOWN = {"event": "STOPPED", "host_status": "UNKNOWN"}


@pytest.mark.parametrize("fencing,expected", [
    (PROOF, PROOF),
    ({"confirmed": True, "source": "stonith-history"},
     {"confirmed": True, "source": "stonith-history", "at": None}),
    ({"confirmed": False, "source": "ipmi"}, None),
    ({"confirmed": "true", "source": "ipmi"}, None),  # only a real boolean
    ("yes", None),
    (None, None),
])
def test_payload_evidence(fencing, expected):
    payload = (dict(NORMAL) if fencing is None
               else dict(NORMAL, fencing=fencing))
    assert evidence.payload_evidence(payload) == expected


# (mode, payload, engine can fence) -> (recover, fenced)
CASES = [
    ("evidence", dict(NORMAL, fencing=PROOF), False, (True, True)),
    ("evidence", NORMAL, False, (True, False)),
    ("evidence", NORMAL, True, (True, False)),
    ("evidence", UNKNOWN, False, (False, False)),
    ("evidence", UNKNOWN, True, (True, False)),
    ("evidence", {"event": "STOPPED"}, False, (False, False)),
    ("required", NORMAL, False, (True, False)),
    ("required", dict(UNKNOWN, fencing=PROOF), False, (True, True)),
    ("trust_monitor", NORMAL, False, (True, True)),
    ("trust_monitor", {"event": "STOPPED", "host_status": "normal"}, False,
     (True, True)),
    ("trust_monitor", UNKNOWN, False, (False, False)),
    ("trust_monitor", UNKNOWN, True, (True, False)),
]


@pytest.mark.parametrize("mode,payload,can_fence,expected", CASES)
def test_decide(mode, payload, can_fence, expected):
    decision = evidence.decide(mode, payload, can_fence)
    assert (decision.recover, decision.fenced) == expected
    if decision.fenced and mode != "trust_monitor":
        assert decision.evidence["confirmed"] is True


def test_describe():
    assert evidence.describe("h1", PROOF) == (
        "Host 'h1' proven powered off by the monitor's evidence "
        "(ipmi at 2026-12-07T17:00:00Z)")
    assert "trust_monitor" in evidence.describe("h1", None, trusted=True)
    assert evidence.describe("h1", None) == \
        "No evidence that host 'h1' is powered off"
