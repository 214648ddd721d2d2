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

"""End to end: masakari-api + masakari-engine processes, RabbitMQ, simulator."""

import collections
import signal

import pytest

from masakari.testing.cloud import CloudSimulator, Timings
from masakari.tests.functional.engine import harness

pytestmark = pytest.mark.functional
HA = {"HA_Enabled": "True"}


@pytest.fixture
def sim():
    timings = Timings(rebuild=4.0, rebuild_claim=1.0, stop=1.0, start=1.0,
                      report_interval=10.0, service_down_time=60.0)
    with CloudSimulator(scale=5.0, timings=timings) as cloud:
        for name in ("h1", "h2", "h3"):
            cloud.add_host(name)
        yield cloud


@pytest.fixture
def deployment(sim):
    harness.transport_url()
    dep = harness.Deployment(sim, extra={"DEFAULT": {"notification_lease_period": 6}})
    try:
        yield dep
    finally:
        dep.stop()


def test_host_failure_recovered_end_to_end(sim, deployment):
    deployment.start_api()
    deployment.start_engine()
    servers = [sim.add_server("h1", metadata=HA) for _ in range(3)]
    deployment.make_segment(["h1", "h2", "h3"])
    sim.kill_host("h1")
    uuid = deployment.notify_host_down("h1")
    note = deployment.wait_status(uuid)
    assert note["status"] == "finished"
    for server in servers:
        now = sim.get_server(server.id)
        assert now.host in ("h2", "h3") and now.vm_state == "active"
    vmoves = deployment.call("GET", f"/notifications/{uuid}/vmoves")["vmoves"]
    assert sorted(v["status"] for v in vmoves) == ["succeeded"] * 3
    details = deployment.notification(uuid)["recovery_workflow_details"]
    assert [d["name"] for d in details] == ["DisableComputeServiceTask",
                                            "PrepareHAEnabledInstancesTask",
                                            "EvacuateInstancesTask"]
    assert all(d["state"] == "SUCCESS" for d in details)


def test_engine_killed_mid_evacuation_resumes_exactly_once(sim, deployment):
    deployment.start_api()
    deployment.start_engine("engine-a")
    servers = [sim.add_server("h1", metadata=HA) for _ in range(50)]
    deployment.make_segment(["h1", "h2", "h3"])
    sim.kill_host("h1")
    uuid = deployment.notify_host_down("h1")
    harness.wait_until(lambda: len(sim.journal.entries(action="evacuate")) >= 10, 60,
                       interval=0.05, what="evacuations to start")
    deployment.kill("engine-a", signal.SIGKILL)
    deployment.start_engine("engine-b")
    note = deployment.wait_status(uuid, timeout=120)
    assert note["status"] == "finished"
    counts = collections.Counter(e.path.split("/servers/")[1].split("/")[0]
                                 for e in sim.journal.entries(action="evacuate"))
    assert set(counts) == {s.id for s in servers}
    assert set(counts.values()) == {1}
    for server in servers:
        now = sim.get_server(server.id)
        assert now.host != "h1" and now.vm_state == "active" and not now.locked
