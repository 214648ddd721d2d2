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

"""Host failure flows against the cloud simulator (scaled time): the exact
journal of Nova calls."""

import pytest

from masakari.engine import exceptions
from masakari.tests.unit.engine import fakes
from masakari.tests.unit.engine import sim as simhelp

NOTIF = "99999999-2222-3333-4444-555555555555"
HA = {"HA_Enabled": "True"}


@pytest.fixture
def cloud():
    with simhelp.two_host_cloud() as sim:
        yield sim


@pytest.fixture
def run(conf, cloud):
    conf.set_override("wait_period_after_evacuation", 30)
    driver = simhelp.driver(conf, cloud)
    db = fakes.FakeVMoveDB()
    clock = simhelp.SimEngineClock(cloud.clock)

    def run(method="auto", reserved=None, fenced=True):
        runtime = fakes.make_runtime(conf, clock=clock, store=db, notification_uuid=NOTIF)
        driver.execute_host_failure(None, "h1", method, NOTIF, runtime=runtime,
                                    fenced=fenced, reserved_host_list=reserved)
        return db
    return run


def sid(entry):
    return entry.path.split("/servers/")[1].split("/")[0]


def mutations(cloud):
    out = []
    for e in cloud.journal.entries(service="compute"):
        if e.method == "GET":
            continue
        if e.kind == "compute.service.update":
            out.append(("service", e.body))
        else:
            out.append((e.action, sid(e)))
    return out


def test_fenced_host_journal(cloud, run):
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    db = run()
    assert mutations(cloud) == [
        ("service", {"forced_down": True}),
        ("service", {"status": "disabled",
                     "disabled_reason": "Masakari detected host failed."}),
        ("lock", vm.id), ("evacuate", vm.id), ("unlock", vm.id),
    ]
    assert cloud.get_server(vm.id).host == "h2"
    assert [v.status for v in db.vmoves.values()] == ["succeeded"]
    # every request used microversion 2.53 and one token
    compute = cloud.journal.entries(service="compute")
    assert {e.microversion for e in compute} == {"2.53"}
    assert len(cloud.journal.entries(service="identity", method="POST")) <= 1


def test_unfenced_waits_for_nova_to_see_the_host_down(cloud, run):
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    run(fenced=False)
    assert ("service", {"forced_down": True}) not in mutations(cloud)
    assert cloud.get_server(vm.id).host == "h2"


def test_many_servers_ha_first(cloud, run, conf):
    conf.set_override("host_failure_recovery_threads", 1)
    plain = [cloud.add_server("h1") for _ in range(3)]
    ha = [cloud.add_server("h1", metadata=HA) for _ in range(3)]
    cloud.kill_host("h1")
    run()
    evacuated = [sid(e) for e in cloud.journal.entries(action="evacuate")]
    assert set(evacuated[:3]) == {s.id for s in ha}
    assert set(evacuated[3:]) == {s.id for s in plain}
    assert all(cloud.get_server(s.id).host == "h2" for s in plain + ha)


def test_rebuild_failure_is_a_failed_vmove(cloud, run):
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    cloud.inject_rebuild("fail", server_id=vm.id)
    with pytest.raises(exceptions.HostRecoveryFailureException):
        run()
    assert cloud.get_server(vm.id).locked is False


def test_stopped_and_error_instances(cloud, run):
    stopped = cloud.add_server("h1", vm_state="stopped", metadata=HA)
    errored = cloud.add_server("h1", vm_state="error", metadata=HA)
    cloud.kill_host("h1")
    run()
    assert cloud.get_server(stopped.id).vm_state == "stopped"
    after = cloud.get_server(errored.id)
    assert after.vm_state == "error" and after.host == "h2"
    actions = [(e.action, sid(e)) for e in
               cloud.journal.entries(kind="compute.server.action")]
    errored_actions = [a for a, sid in actions if sid == errored.id]
    assert errored_actions == ["lock", "evacuate", "os-stop", "os-resetState", "unlock"]


def test_nova_503_on_evacuate(cloud, run):
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    cloud.inject(action="evacuate", status=503, times=1)
    with pytest.raises(exceptions.HostRecoveryFailureException):
        run()
    run()  # retry re-drives only what is left
    assert cloud.get_server(vm.id).host == "h2"


def test_reserved_host(cloud, run):
    cloud.add_host("r1")
    cloud.compute.hosts["r1"].service.status = "disabled"
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    run(method="reserved_host", reserved=["r1"])
    assert cloud.get_server(vm.id).host == "r1"
    assert cloud.get_service("r1")["status"] == "enabled"
