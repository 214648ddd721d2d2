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

import os
import shutil

import pytest

from masakarimonitors.tests.functional.hostmonitor import fake_api


def require_tools(*tools: str) -> None:
    """Skip when a tool is missing, unless backends are required."""
    missing = [t for t in tools if shutil.which(t) is None]
    if not missing:
        return
    message = "missing %s (apt: pacemaker corosync pacemaker-cli-utils)" % (
        ", ".join(missing))
    if os.environ.get("MASAKARI_TEST_REQUIRE_BACKENDS") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def api():
    server = fake_api.FakeAPI().start()
    yield server
    server.stop()
