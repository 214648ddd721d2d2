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

"""[DEFAULT] engine_manager and periodic_interval_max do what they say."""

import types

import pytest

from masakari.engine import manager as manager_mod
from masakari.engine import periodic as periodic_mod
from masakari.engine import service


class CustomManager(manager_mod.MasakariManager):
    pass


def test_default_engine_manager(conf):
    assert service.manager_class(conf) is manager_mod.MasakariManager


def test_custom_engine_manager(conf):
    conf.set_override("engine_manager", f"{__name__}.CustomManager")
    assert service.manager_class(conf) is CustomManager


@pytest.mark.parametrize("name", ["masakari.engine.periodic.Periodic",
                                  "no.such.Class"])
def test_bad_engine_manager_stops_the_start(conf, name):
    conf.set_override("engine_manager", name)
    with pytest.raises((TypeError, ImportError)):
        service.manager_class(conf)


def test_periodic_interval_is_capped(conf):
    manager = types.SimpleNamespace(conf=conf, clock=None, db=None)
    periodic = periodic_mod.Periodic(manager, lambda: None)
    conf.set_override("process_unfinished_notifications_interval", 120)
    conf.set_override("notification_lease_period", 600)
    assert periodic.interval == 120
    conf.set_override("periodic_interval_max", 45)
    assert periodic.interval == 45
