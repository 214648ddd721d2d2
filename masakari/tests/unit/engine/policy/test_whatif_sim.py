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

"""The 'what if this host failed now' plan against what the recovery then
does on the same simulated cloud: they must agree."""

import pytest

from masakari.compute import nova as nova_mod
from masakari.compute import session as nova_session
from masakari.engine import exceptions
from masakari.engine.policy import whatif
from masakari.tests.unit.engine import sim as simhelp
from masakari.tests.unit.engine.policy import helpers

SMALL = {"vcpus": 4, "memory_mb": 4096, "local_gb": 100}


def prio(value, ha=True):
    meta = {"masakari:restart_priority": str(value)}
    if ha:
        meta["HA_Enabled"] = "True"
    return meta


@pytest.fixture
def cloud():
    with simhelp.cloud() as sim:
        sim.add_host("h1")
        yield sim


@pytest.fixture
def runner(conf, cloud):
    conf.set_override("capacity_aware_targets", True, group="host_failure")
    conf.set_override("restart_priority_tiers", True, group="host_failure")
    conf.set_override("skip_unevacuable_instances", True,
                      group="host_failure")
    return helpers.Runner(conf, cloud)


def ask(conf, cloud, runner, method):
    api = nova_mod.API(conf=conf, sessions=nova_session.SessionCache())
    return whatif.what_if(api, None, runner.store, conf, "h1", method,
                          runner.clock.utcnow())


def outcome(cloud, runner):
    """instance -> (action, host) after the recovery."""
    out = {}
    for uuid, move in runner.vmoves().items():
        if move.status == "succeeded":
            out[uuid] = ("evacuate", cloud.get_server(uuid).host)
        else:
            out[uuid] = ("skip", None)
    return out


def planned(answer):
    return {i["instance_uuid"]: (i["action"], i["target_host"])
            for i in answer["instances"]}


def test_auto_plan_matches_the_recovery(conf, cloud, runner):
    for name in ("h1", "h2", "h3"):
        runner.store.add_host(name)
    cloud.add_host("h2", **SMALL)
    cloud.add_host("h3", vcpus=8, memory_mb=6144, local_gb=200)
    cloud.set_flavor_specs("m1.tiny", {"hw:tpm_version": "2.0"})
    vms = [cloud.add_server("h1", metadata=prio(p))
           for p in (900, 900, 500, 300, 100)]
    vtpm = cloud.add_server("h1", flavor="m1.tiny", metadata=prio(1000))
    cloud.add_server_group("db", "anti-affinity", [vms[0].id, vms[1].id])
    answer = ask(conf, cloud, runner, "auto")
    assert set(answer["tiers"][0]) == {vms[0].id, vms[1].id}
    assert answer["tiers"][1:] == [[vms[2].id], [vms[3].id], [vms[4].id]]
    plan = planned(answer)
    assert plan[vtpm.id] == ("skip", None)
    # five m1.small: two fit on h2, three on h3
    assert answer["not_fitting"] == []
    assert {t for _, t in plan.values()} == {"h2", "h3", None}
    cloud.kill_host("h1")
    runner.host_failure()
    assert outcome(cloud, runner) == plan
    evacuated = [s for s, _ in helpers.evacuations(cloud)]
    assert evacuated[2:] == [vms[2].id, vms[3].id, vms[4].id]


def test_plan_names_what_would_not_fit(conf, cloud, runner):
    for name in ("h1", "h2"):
        runner.store.add_host(name)
    cloud.add_host("h2", **SMALL)
    vms = [cloud.add_server("h1", metadata=prio(p))
           for p in (100, 700, 400)]
    answer = ask(conf, cloud, runner, "auto")
    assert answer["not_fitting"] == [vms[0].id]
    assert answer["excluded_targets"] == []
    cloud.kill_host("h1")
    with pytest.raises(exceptions.HostRecoveryFailureException):
        runner.host_failure()
    assert outcome(cloud, runner) == planned(answer)


def test_reserved_hosts_plan_matches_the_recovery(conf, cloud, runner):
    runner.store.add_host("h1")
    for name in ("r1", "r2"):
        runner.store.add_host(name, reserved=True)
        cloud.add_host(name, vcpus=2, memory_mb=2048, local_gb=100)
        cloud.compute.hosts[name].service.status = "disabled"
    vms = [cloud.add_server("h1", metadata=prio(p)) for p in (200, 800)]
    answer = ask(conf, cloud, runner, "reserved_host")
    assert answer["reserved_hosts"] == ["r1", "r2"]
    assert planned(answer) == {vms[1].id: ("evacuate", "r1"),
                               vms[0].id: ("evacuate", "r2")}
    cloud.kill_host("h1")
    runner.host_failure(method="reserved_host", reserved=["r1", "r2"])
    assert outcome(cloud, runner) == planned(answer)


def test_excluded_targets_say_why(conf, cloud, runner):
    runner.store.add_host("h1")
    runner.store.add_host("h2", on_maintenance=True)
    runner.store.add_host("h3")
    cloud.add_host("h2")
    cloud.add_host("h3")
    cloud.compute.hosts["h3"].service.status = "disabled"
    vm = cloud.add_server("h1", metadata=prio(500))
    answer = ask(conf, cloud, runner, "auto")
    assert answer["excluded_targets"] == [
        {"host": "h2", "reason": "on maintenance"},
        {"host": "h3", "reason": "its compute service is disabled"}]
    assert answer["not_fitting"] == [vm.id]
    assert "no target host is available" in answer["instances"][0]["message"]
