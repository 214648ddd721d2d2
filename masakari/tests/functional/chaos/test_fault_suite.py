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

"""The fault suite at CI size: the scenarios of masakari.testing.chaos
with the small counts of its table (tools/chaos/run.py runs the full
ones). Each must lose and duplicate nothing."""

import os
import shutil

import pytest

from masakari.testing.chaos import suite
from masakari.tests.functional.engine import harness

pytestmark = pytest.mark.functional

# What a scenario needs besides the test broker: server binaries for the
# private instances it stops and starts.
NEEDS = {
    "broker-storm": ("/usr/lib/rabbitmq/bin/rabbitmq-server",),
    "db-restart": ("mariadbd", "mariadb-install-db", "/usr/lib/postgresql"),
}


def _missing(name: str) -> list[str]:
    return [tool for tool in NEEDS.get(name, ())
            if not (os.path.exists(tool) or shutil.which(tool))]


# The fuzz scenario's CI size is the unit test it scales up
# (masakari/tests/unit/api/test_openapi_fuzz.py, about 1,700 requests).
FUNCTIONAL = [name for name in suite.SCENARIOS if name != "fuzz"]


@pytest.mark.parametrize("name", FUNCTIONAL)
def test_scenario_loses_and_duplicates_nothing(name):
    harness.transport_url()
    missing = _missing(name)
    if missing:
        message = f"{name} needs {', '.join(missing)} (tools/test-services.sh install)"
        if os.environ.get(harness.REQUIRE_ENV) == "1":
            pytest.fail(message)
        pytest.skip(message)
    scenario = suite.SCENARIOS[name]
    tally = scenario.function()(**scenario.ci, report=print)
    print(tally.line())
    assert tally.clean, "\n".join([tally.line(), *tally.failures])
