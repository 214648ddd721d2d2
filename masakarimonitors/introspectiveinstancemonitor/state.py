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

"""Per-guest heartbeat state machine of the guest-agent pings.

States ``discovery`` -> ``healthy`` -> ``error`` -> ``reported``. Fixes:
a guest whose agent never answered is reported once it stayed in
``discovery`` for ``discovery_timeout`` seconds, and a reported guest is
re-armed when it becomes healthy again (upstream needed a STARTED
lifecycle event).
"""

import dataclasses

DISCOVERY = "discovery"
HEALTHY = "healthy"
ERROR = "error"
REPORTED = "reported"

PINGABLE = "guest_pingable"
NOT_PINGABLE = "guest_not_pingable"
REPORT = "report"

TRANSITIONS = {
    (DISCOVERY, PINGABLE): HEALTHY,
    (DISCOVERY, NOT_PINGABLE): DISCOVERY,
    (HEALTHY, PINGABLE): HEALTHY,
    (HEALTHY, NOT_PINGABLE): ERROR,
    (ERROR, PINGABLE): HEALTHY,
    (ERROR, NOT_PINGABLE): ERROR,
    (ERROR, REPORT): REPORTED,
    (DISCOVERY, REPORT): REPORTED,
    (REPORTED, PINGABLE): DISCOVERY,
    (REPORTED, NOT_PINGABLE): REPORTED,
}


@dataclasses.dataclass
class Journal:
    since: float
    state: str = DISCOVERY
    failed_count: int = 0
    sent: bool = False

    def feed(self, event: str, now: float) -> str:
        new = TRANSITIONS.get((self.state, event), self.state)
        if new != self.state:
            self.state = new
            if new == DISCOVERY:
                self.since = now
            if new == HEALTHY:
                self.sent = False
        return self.state


def process(journal: Journal, pingable: bool, now: float, threshold: int,
            discovery_timeout: float) -> bool:
    """Apply one ping result; True when the guest must be reported now."""
    if pingable:
        journal.failed_count = 0
        journal.feed(PINGABLE, now)
        return False
    report = False
    if (journal.state == ERROR and journal.failed_count > threshold
            and not journal.sent):
        report = True
    elif (journal.state == DISCOVERY and discovery_timeout > 0
            and now - journal.since >= discovery_timeout
            and not journal.sent):
        report = True
    if report:
        journal.feed(REPORT, now)
        journal.sent = True
        return True
    journal.feed(NOT_PINGABLE, now)
    if journal.state == ERROR:
        journal.failed_count += 1
    return False
