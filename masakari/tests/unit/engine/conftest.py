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
from oslo_config import cfg

from masakari import conf as masakari_conf
from masakari.testing import clock_fakes
from masakari.tests.fixtures.database import db, db_backend  # noqa: F401
from masakari.tests.unit.engine import fakes


@pytest.fixture
def conf():
    conf = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(conf)
    conf([], project="masakari", default_config_files=[])
    conf.set_override("connection", "sqlite://", group="database")
    yield conf
    conf.reset()


@pytest.fixture
def clock():
    return clock_fakes.FakeClock()


@pytest.fixture
def nova(clock):
    return fakes.FakeNova(clock)


@pytest.fixture
def vmove_db():
    return fakes.FakeVMoveDB()


@pytest.fixture
def runtime(conf, clock, vmove_db):
    return fakes.make_runtime(conf, clock=clock, store=vmove_db)
