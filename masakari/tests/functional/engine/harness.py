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

"""Real masakari-api / masakari-engine processes over RabbitMQ, with Nova
and Keystone from the cloud simulator (running in the test process)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from masakari.testing import deployment
from masakari.testing.deployment import FENCED  # noqa: F401 - used by tests
from masakari.testing.deployment import BrokerProxy  # noqa: F401
from masakari.testing.waits import free_port  # noqa: F401
from masakari.testing.waits import wait_until  # noqa: F401

TRANSPORT_ENV = deployment.TRANSPORT_ENV
REQUIRE_ENV = "MASAKARI_TEST_REQUIRE_BACKENDS"


def transport_url() -> str:
    url = os.environ.get(TRANSPORT_ENV)
    if not url:
        message = f"{TRANSPORT_ENV} not set (tools/test-services.sh start rabbitmq)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(message)
        pytest.skip(message)
    return url


class Deployment(deployment.Deployment):
    """The deployment on the test broker (the test skips without one)."""

    def __init__(self, sim: Any, extra: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__(sim, extra, transport_url=transport_url())
