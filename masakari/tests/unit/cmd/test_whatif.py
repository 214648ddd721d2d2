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

"""masakari-manage recovery plan: load and render on a simulated cloud."""

import json
import types

import pytest

from masakari.cmd import whatif
from masakari.tests.unit.engine import sim as simhelp
from masakari.tests.unit.engine.conftest import conf  # noqa: F401
from masakari.tests.unit.engine.policy import helpers


class FakeDB(helpers.PolicyStore):
    def failover_segment_get_by_uuid(self, uuid):
        return types.SimpleNamespace(uuid=uuid, recovery_method="auto")


@pytest.fixture
def world(conf):  # noqa: F811
    conf.set_override("capacity_aware_targets", True, group="host_failure")
    conf.set_override("restart_priority_tiers", True, group="host_failure")
    with simhelp.cloud() as cloud:
        cloud.add_host("h1")
        cloud.add_host("h2", vcpus=4, memory_mb=2048, local_gb=100)
        nova = simhelp.nova_api(conf, cloud)
        db = FakeDB(simhelp.SimEngineClock(cloud.clock))
        for name in ("h1", "h2"):
            db.add_host(name)
        yield types.SimpleNamespace(conf=conf, cloud=cloud, nova=nova, db=db)


def test_host_plan_text(world):
    keep = world.cloud.add_server(
        "h1", name="db", metadata={"masakari:restart_priority": "900"})
    drop = world.cloud.add_server("h1", name="cache")
    answer = whatif.load(world.db, world.nova, world.conf, host="h1")
    text = whatif.render(answer)
    assert text.splitlines()[0] == (
        "If host h1 failed now (recovery method auto, capacity checked):")
    assert f"would not fit: {drop.id}" in text
    row = [line for line in text.splitlines() if keep.id in line][0]
    assert row.split()[3:6] == ["900", "evacuate", "h2"]
    assert json.loads(whatif.render(answer, "json"))["host"] == "h1"


def test_segment_plan_reports_lost_capacity(world):
    world.cloud.add_server("h1")
    world.cloud.add_server("h1")
    answer = whatif.load(world.db, world.nova, world.conf,
                         segment=helpers.SEGMENT)
    assert answer["failover_capacity"] is False
    assert answer["hosts_without_failover_capacity"] == ["h1"]
    assert [p["host"] for p in answer["plans"]] == ["h1", "h2"]
    assert "failover capacity LOST" in whatif.render(answer)
