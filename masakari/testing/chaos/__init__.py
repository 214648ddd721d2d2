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
"""The fault suite: scenarios that break a running deployment on purpose
and count what survived.

Each scenario is a function ``run(trials, seed, ...) -> Tally`` over real
masakari-api / masakari-engine processes (``masakari.testing.deployment``),
the cloud simulator as Nova and real RabbitMQ and database servers. The
functional tests run them with small counts; ``tools/chaos/run.py`` runs
the full counts and prints one line per scenario.
"""

from __future__ import annotations

import collections
import dataclasses
from typing import Any, Iterable

from masakari.testing.cloud import CloudSimulator
from masakari.testing.cloud import Timings

HA = {"HA_Enabled": "True"}
# These scenarios are about losing nothing, not about the mass-failure
# breaker (which would rightly stop several failures in one segment).
NO_GATES = {"safety_gates": False}
# Fast engine turnover: a dead engine's lease runs out after 6 s, the
# periodic task looks for stranded notifications every 2 s.
FAST_ENGINE = {"notification_lease_period": 6,
               "retry_notification_new_status_interval": 2}


@dataclasses.dataclass
class Tally:
    """What one scenario counted.

    ``lost``: accepted work that never completed (a notification not
    processed, a VM not moved); ``duplicated``: work done twice (a VM
    evacuated twice, a host recovered twice). ``failures`` says which
    trial went wrong and how.
    """

    checked: str
    trials: int = 0
    ok: int = 0
    lost: int = 0
    duplicated: int = 0
    failures: list[str] = dataclasses.field(default_factory=list)

    def add(self, lost: int = 0, duplicated: int = 0,
            problem: str | None = None) -> bool:
        """Count one trial; True when it went right."""
        self.trials += 1
        self.lost += lost
        self.duplicated += duplicated
        if lost or duplicated or problem:
            self.failures.append(f"trial {self.trials}: lost {lost}, "
                                 f"duplicated {duplicated}"
                                 + (f", {problem}" if problem else ""))
            return False
        self.ok += 1
        return True

    @property
    def clean(self) -> bool:
        return (self.trials > 0 and self.ok == self.trials
                and not self.lost and not self.duplicated)

    def line(self) -> str:
        return (f"{self.trials} trials, {self.ok} ok, {self.lost} lost, "
                f"{self.duplicated} duplicated ({self.checked})")


def simulator(scale: float = 10.0) -> CloudSimulator:
    """A simulated Nova where an evacuation takes a few real tenths of a
    second (``scale`` simulated seconds per real second)."""
    timings = Timings(rebuild=4.0, rebuild_claim=1.0, stop=1.0, start=1.0,
                      report_interval=10.0, service_down_time=60.0)
    return CloudSimulator(scale=scale, timings=timings)


def evacuations(sim: CloudSimulator, since: int = 0) -> collections.Counter:
    """Evacuate calls Nova received per server id (from its journal)."""
    return collections.Counter(
        entry.path.split("/servers/")[1].split("/")[0]
        for entry in sim.journal.entries(action="evacuate", since=since))


def moved_once(sim: CloudSimulator, servers: Iterable[Any], failed: str,
               since: int = 0) -> tuple[int, int]:
    """(lost, duplicated) servers of the failed host: lost when not active
    elsewhere or never evacuated, duplicated when evacuated more than
    once."""
    counts = evacuations(sim, since)
    lost = duplicated = 0
    for server in servers:
        now = sim.get_server(server.id)
        if counts[server.id] > 1:
            duplicated += 1
        elif (counts[server.id] == 0 or now.host == failed
              or now.vm_state != "active"):
            lost += 1
    return lost, duplicated
