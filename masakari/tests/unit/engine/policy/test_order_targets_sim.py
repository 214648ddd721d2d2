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

"""Restart priority tiers, capacity-aware targets with server groups,
flapping hosts (simulated cloud, exact Nova calls)."""

import pytest

from masakari.engine import exceptions
from masakari.tests.unit.engine import sim as simhelp
from masakari.tests.unit.engine.policy import helpers

SMALL = {"vcpus": 4, "memory_mb": 4096, "local_gb": 100}  # two m1.small


def prio(value):
    return {"HA_Enabled": "True", "masakari:restart_priority": str(value)}


@pytest.fixture
def cloud():
    with simhelp.cloud() as sim:
        sim.add_host("h1")
        yield sim


@pytest.fixture
def runner(conf, cloud):
    return helpers.Runner(conf, cloud)


def capacity_on(conf, runner, hosts=("h1", "h2", "h3")):
    conf.set_override("capacity_aware_targets", True, group="host_failure")
    for name in hosts:
        runner.store.add_host(name)


def test_tiers_start_after_the_tier_before_is_active(conf, cloud, runner):
    conf.set_override("restart_priority_tiers", True, group="host_failure")
    cloud.add_host("h2")
    low = cloud.add_server("h1", metadata=prio(100))
    high = [cloud.add_server("h1", metadata=prio(900)) for _ in range(2)]
    middle = cloud.add_server("h1", metadata=prio(500))
    cloud.kill_host("h1")
    runner.host_failure()
    order = helpers.actions(cloud)
    evacuated = [s for a, s in order if a == "evacuate"]
    assert set(evacuated[:2]) == {s.id for s in high}
    assert evacuated[2:] == [middle.id, low.id]
    # each tier's evacuate comes after the tier before was confirmed
    # (unlocked once Nova finished the rebuild)
    unlocks = {s: i for i, (a, s) in enumerate(order) if a == "unlock"}
    starts = {s: i for i, (a, s) in enumerate(order) if a == "evacuate"}
    assert max(unlocks[s.id] for s in high) < starts[middle.id]
    assert unlocks[middle.id] < starts[low.id]


def test_tier_timeout_starts_the_next_tier(conf, cloud, runner):
    conf.set_override("restart_priority_tiers", True, group="host_failure")
    conf.set_override("restart_tier_timeout", 5, group="host_failure")
    conf.set_override("wait_period_after_evacuation", 30)
    cloud.add_host("h2")
    stuck = cloud.add_server("h1", metadata=prio(900))
    later = cloud.add_server("h1", metadata=prio(100))
    cloud.kill_host("h1")
    cloud.inject_rebuild("hang", server_id=stuck.id)
    with pytest.raises(exceptions.HostRecoveryFailureException):
        runner.host_failure()
    assert cloud.get_server(later.id).host == "h2"
    assert runner.vmoves()[later.id].status == "succeeded"
    assert runner.vmoves()[stuck.id].status == "failed"


def test_without_tiers_priority_changes_nothing(cloud, runner):
    cloud.add_host("h2")
    low = cloud.add_server("h1", metadata=prio(1))
    high = cloud.add_server("h1", metadata=prio(1000))
    cloud.kill_host("h1")
    runner.host_failure()
    assert {s for s, _ in helpers.evacuations(cloud)} == {low.id, high.id}


def test_targets_by_free_room_and_anti_affinity(conf, cloud, runner):
    capacity_on(conf, runner)
    cloud.add_host("h2", **SMALL)
    cloud.add_host("h3", vcpus=8, memory_mb=8192, local_gb=200)
    a = cloud.add_server("h1", metadata=prio(900))
    b = cloud.add_server("h1", metadata=prio(800))
    c = cloud.add_server("h1", metadata=prio(700))
    cloud.add_server_group("web", "anti-affinity", [a.id, b.id])
    cloud.kill_host("h1")
    runner.host_failure()
    # a: most free RAM (h3); b: not beside a (h2); c: h3 has more room
    assert sorted(helpers.evacuations(cloud)) == sorted(
        [(a.id, "h3"), (b.id, "h2"), (c.id, "h3")])
    assert [cloud.get_server(s.id).host for s in (a, b, c)] == [
        "h3", "h2", "h3"]
    assert [e.path for e in cloud.journal.entries(
        kind="compute.server_group.list")] == ["/v2.1/os-server-groups"]


def test_no_room_recovers_highest_priority_first(conf, cloud, runner):
    capacity_on(conf, runner, hosts=("h1", "h2"))
    cloud.add_host("h2", **SMALL)
    first = cloud.add_server("h1", metadata=prio(900))
    last = cloud.add_server("h1", metadata=prio(100))
    second = cloud.add_server("h1", metadata=prio(500))
    cloud.kill_host("h1")
    with pytest.raises(exceptions.HostRecoveryFailureException,
                       match=last.id):
        runner.host_failure()
    assert sorted(helpers.evacuations(cloud)) == sorted(
        [(first.id, "h2"), (second.id, "h2")])
    move = runner.vmoves()[last.id]
    assert move.status == "failed"
    assert "no target host has room" in move.message
    assert cloud.get_server(last.id).host == "h1"


def test_flapping_host_is_no_target(conf, cloud, runner):
    capacity_on(conf, runner)
    conf.set_override("flap_threshold", 2, group="recovery_limits")
    # the mass-failure breaker would count h2's failures too
    conf.set_override("safety_gates", False, group="fencing")
    cloud.add_host("h2")
    cloud.add_host("h3", **SMALL)
    for age in (100, 200):
        runner.store.add_notification("COMPUTE_HOST", "h2",
                                      {"event": "STOPPED"}, age=age)
    vm = cloud.add_server("h1", metadata=prio(500))
    cloud.kill_host("h1")
    runner.host_failure()
    assert helpers.evacuations(cloud) == [(vm.id, "h3")]


def test_reserved_hosts_take_what_fits_then_the_next(conf, cloud, runner):
    capacity_on(conf, runner, hosts=("h1",))
    runner.store.add_host("r1", reserved=True)
    runner.store.add_host("r2", reserved=True)
    for name in ("r1", "r2"):
        cloud.add_host(name, vcpus=2, memory_mb=2048, local_gb=100)
        cloud.compute.hosts[name].service.status = "disabled"
    first = cloud.add_server("h1", metadata=prio(900))
    second = cloud.add_server("h1", metadata=prio(100))
    cloud.kill_host("h1")
    runner.host_failure(method="reserved_host", reserved=["r1", "r2"])
    assert helpers.evacuations(cloud) == [(first.id, "r1"), (second.id, "r2")]
    assert runner.vmoves()[second.id].status == "succeeded"
