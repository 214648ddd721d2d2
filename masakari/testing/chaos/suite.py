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
"""The fault suite's scenarios with their full and CI-sized counts."""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any, Callable


@dataclasses.dataclass(frozen=True)
class Scenario:
    """``module:function`` (imported when run) and its keyword arguments
    for the full run and for the functional tests."""

    target: str
    full: dict[str, Any]
    ci: dict[str, Any]

    def function(self) -> Callable[..., Any]:
        module, name = self.target.split(":")
        return getattr(importlib.import_module(module), name)


PACKAGE = "masakari.testing.chaos"
SCENARIOS: dict[str, Scenario] = {
    "engine-kill": Scenario(f"{PACKAGE}.engine_faults:engine_kill",
                            {"trials": 100}, {"trials": 2}),
    "same-failures": Scenario(f"{PACKAGE}.engine_faults:same_failures",
                              {"trials": 10}, {"trials": 1}),
    "reserved-lock": Scenario(f"{PACKAGE}.engine_faults:reserved_lock_kill",
                              {"trials": 9}, {"trials": 1}),
    "broker-storm": Scenario(f"{PACKAGE}.outages:broker_storm",
                             {"trials": 1},
                             {"trials": 1, "notifications": 30,
                              "outage": 8.0}),
    "db-restart": Scenario(f"{PACKAGE}.outages:db_restart",
                           {"trials": 5}, {"trials": 1, "outage": 5.0}),
    "monitor-outage": Scenario(f"{PACKAGE}.monitor_outage:api_outage",
                               {"trials": 1}, {"trials": 1, "scale": 20.0}),
    # a trial is one request; the CI size is the unit test itself (about
    # 1,700), --ci here sends about one request per operation
    "fuzz": Scenario(f"{PACKAGE}.fuzz:openapi_fuzz",
                     {"trials": 10000}, {"trials": 46}),
}
