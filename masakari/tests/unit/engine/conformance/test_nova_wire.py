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

"""The Nova requests the engine sends (paths, bodies,
microversion), asserted on the cloud simulator's journal in scaled time."""

import pytest

from masakari.tests.unit.engine import fakes
from masakari.tests.unit.engine import sim as simhelp

NOTIF = "55555555-2222-3333-4444-555555555555"
HA = {"HA_Enabled": "True"}


@pytest.fixture
def cloud():
    with simhelp.two_host_cloud() as sim:
        yield sim


@pytest.fixture
def driver(conf, cloud):
    conf.set_override("wait_period_after_evacuation", 30)
    return simhelp.driver(conf, cloud)


@pytest.fixture
def runtime(conf, cloud):
    return fakes.make_runtime(conf, clock=simhelp.SimEngineClock(cloud.clock),
                              notification_uuid=NOTIF)


def host_failure(driver, runtime, method="auto", reserved=None):
    driver.execute_host_failure(None, "h1", method, NOTIF, runtime=runtime, fenced=True,
                                reserved_host_list=reserved)


def actions(cloud, server_id=None):
    out = []
    for e in cloud.journal.entries(kind="compute.server.action"):
        if server_id is None or f"/servers/{server_id}/" in e.path:
            out.append(e.body)
    return out


def service_updates(cloud):
    return [(e.path.rsplit("/", 1)[-1], e.body)
            for e in cloud.journal.entries(kind="compute.service.update")]


def test_auto_evacuation_bodies(cloud, driver, runtime):
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    host_failure(driver, runtime)
    assert actions(cloud, vm.id) == [{"lock": None}, {"evacuate": {}}, {"unlock": None}]
    # service updates address the service by uuid (2.53 form)
    svc = cloud.get_service("h1")
    assert {path for path, _ in service_updates(cloud)} == {str(svc["id"])}
    assert {e.microversion for e in cloud.journal.entries(service="compute")} == {"2.53"}


def test_server_listing_is_all_tenants_on_the_host(cloud, driver, runtime):
    cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    host_failure(driver, runtime)
    listings = [e for e in cloud.journal.entries(service="compute", method="GET")
                if e.path.endswith("/servers/detail") and e.query.get("host") == ["h1"]]
    assert listings
    assert all(e.query.get("all_tenants", [""])[0].lower() in ("true", "1")
               for e in listings)


def test_reset_and_stop_bodies(cloud, driver, runtime):
    vm = cloud.add_server("h1", vm_state="stopped", task_state="powering-on",
                          power_state=4, metadata=HA)
    cloud.kill_host("h1")
    host_failure(driver, runtime)
    assert actions(cloud, vm.id) == [
        {"lock": None}, {"os-resetState": {"state": "error"}}, {"evacuate": {}},
        {"os-stop": None}, {"unlock": None}]
    assert cloud.get_server(vm.id).vm_state == "stopped"


def test_reserved_host_bodies(cloud, driver, runtime):
    cloud.add_host("r1")
    cloud.compute.hosts["r1"].service.status = "disabled"
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    host_failure(driver, runtime, method="reserved_host", reserved=["r1"])
    r1 = str(cloud.get_service("r1")["id"])
    assert (r1, {"status": "enabled"}) in service_updates(cloud)
    assert {"evacuate": {"host": "r1"}} in actions(cloud, vm.id)


def test_add_reserved_host_to_aggregate_body(cloud, driver, runtime, conf):
    conf.set_override("add_reserved_host_to_aggregate", True, group="host_failure")
    cloud.add_host("r1")
    agg = cloud.add_aggregate("az1", hosts=["h1"])
    cloud.add_aggregate("other", hosts=["h2"])
    cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    host_failure(driver, runtime, method="reserved_host", reserved=["r1"])
    adds = [(e.path, e.body) for e in cloud.journal.entries(kind="compute.aggregate.action")]
    assert len(adds) == 1
    assert adds[0][0].endswith(f"/os-aggregates/{agg.id}/action")
    assert adds[0][1] == {"add_host": {"host": "r1"}}
    assert "r1" in cloud.get_aggregate("az1").hosts


def test_empty_disable_reason_sends_plain_disable(cloud, driver, runtime, conf):
    conf.set_override("service_disable_reason", "", group="host_failure")
    cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    host_failure(driver, runtime)
    disables = [body for _, body in service_updates(cloud) if "status" in body]
    assert disables == [{"status": "disabled"}]


def test_instance_recovery_bodies(cloud, driver, runtime):
    vm = cloud.add_server("h1", vm_state="error", metadata=HA)
    driver.execute_instance_failure(None, vm.id, NOTIF, host_name="h1", runtime=runtime)
    assert actions(cloud, vm.id) == [{"lock": None}, {"os-stop": None},
                                     {"os-start": None}, {"unlock": None}]
    assert cloud.get_server(vm.id).vm_state == "active"


def test_process_disable_body(cloud, driver, runtime):
    driver.execute_process_failure(None, "nova-compute", "h1", NOTIF, runtime=runtime)
    assert [body for _, body in service_updates(cloud)] == [
        {"status": "disabled", "disabled_reason": "Masakari detected process failed."}]
    lookups = cloud.journal.entries(kind="compute.service.list")
    assert lookups and all(e.query.get("host") == ["h1"] for e in lookups)


def test_server_listing_follows_pagination(cloud, driver, runtime, monkeypatch):
    """Every page of the host's servers is read (Nova max_limit = 2 here)."""
    from masakari.testing.cloud import compute_servers
    monkeypatch.setattr(compute_servers, "MAX_LIMIT", 2)
    servers = [cloud.add_server("h1", metadata=HA) for _ in range(5)]
    cloud.kill_host("h1")
    host_failure(driver, runtime)
    assert all(cloud.get_server(s.id).host == "h2" for s in servers)
    assert len(runtime.store.vmoves) == 5
