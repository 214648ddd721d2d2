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

"""Fixtures of the upstream-conformance tests: re-use the engine unit fixtures."""

import pytest

from masakari.engine.drivers import taskflow as tf_driver
from masakari.tests.fixtures.database import db, db_backend  # noqa: F401
from masakari.tests.unit.engine.test_manager import cloud, events, manager  # noqa: F401


@pytest.fixture
def driver(conf, nova):
    return tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")


@pytest.fixture
def conf(conf):
    # Upstream treats every host failure report with host_status NORMAL as
    # proof that the host is off; these tests check upstream's tables.
    conf.set_override("mode", "trust_monitor", group="fencing")
    return conf
