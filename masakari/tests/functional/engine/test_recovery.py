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
import concurrent.futures
import json
import os
import signal
import subprocess
import sys

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
    dep = harness.Deployment(sim, extra={"DEFAULT": {
        "notification_lease_period": 6, "retry_notification_new_status_interval": 2}})
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
    # the same through the real client: openstack notification show / vmove list
    shown = openstack(deployment, "notification", "show", uuid)
    cli_details = shown["recovery_workflow_details"]
    if isinstance(cli_details, str):
        cli_details = json.loads(cli_details.replace("'", '"'))
    assert "EvacuateInstancesTask" in json.dumps(cli_details)
    cli_vmoves = openstack(deployment, "notification", "vmove", "list", uuid)
    assert len(cli_vmoves) == 3, cli_vmoves
    assert all("succeeded" in json.dumps(v) for v in cli_vmoves), cli_vmoves


def openstack(deployment, *args):
    cli = os.path.join(os.path.dirname(sys.executable), "openstack")
    result = subprocess.run(
        [cli, "--os-auth-type", "none", "--os-endpoint",
         deployment.endpoint + "/v1", *args, "-f", "json"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


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
    assert set(counts.values()) == {1}
    for server in servers:
        now = sim.get_server(server.id)
        assert now.host != "h1" and now.vm_state == "active" and not now.locked


def test_two_engines_and_a_burst_of_duplicates_recover_each_host_once(sim, deployment):
    import concurrent.futures
    import urllib.error

    deployment.start_api()
    deployment.start_engine("engine-a")
    deployment.start_engine("engine-b")
    servers = {host: [sim.add_server(host, metadata=HA) for _ in range(5)]
               for host in ("h1", "h2")}
    # Two failed hosts of five stay under the mass-failure breaker (50%).
    for name in ("h4", "h5"):
        sim.add_host(name)
    deployment.make_segment(["h1", "h2", "h3", "h4", "h5"])
    sim.kill_host("h1")
    sim.kill_host("h2")
    payloads = [{"event": "STOPPED", "host_status": "NORMAL", "cluster_status": c,
                 "fencing": harness.FENCED}
                for c in ("OFFLINE", "ONLINE")]

    def post(args):
        host, payload = args
        body = {"notification": {
            "type": "COMPUTE_HOST", "hostname": host, "payload": payload,
            "generated_time": "2026-01-01T00:00:00"}}
        try:
            return deployment.call("POST", "/notifications", body)[
                "notification"]["notification_uuid"]
        except urllib.error.HTTPError as err:
            assert err.code == 409
            return None
    burst = [(host, payload) for host in ("h1", "h2") for payload in payloads] * 3
    with concurrent.futures.ThreadPoolExecutor(len(burst)) as pool:
        accepted = [u for u in pool.map(post, burst) if u]
    assert accepted
    for uuid in accepted:
        assert deployment.wait_status(uuid, timeout=120)["status"] == "finished"
    counts = collections.Counter(e.path.split("/servers/")[1].split("/")[0]
                                 for e in sim.journal.entries(action="evacuate"))
    every = [s.id for group in servers.values() for s in group]
    assert sorted(counts) == sorted(every)
    assert set(counts.values()) == {1}


def test_sigterm_hands_unfinished_work_to_another_engine(sim):
    deployment = harness.Deployment(sim, extra={"DEFAULT": {
        "notification_lease_period": 60, "wait_period_after_evacuation": 8,
        "graceful_shutdown_timeout": 8}})
    try:
        _sigterm_scenario(sim, deployment)
    finally:
        deployment.stop()


def _sigterm_scenario(sim, deployment):
    deployment.start_api()
    deployment.start_engine("engine-a")
    # rebuilds hang, so the recovery cannot finish before the drain deadline
    servers = [sim.add_server("h1", metadata=HA) for _ in range(4)]
    deployment.make_segment(["h1", "h2", "h3"])
    sim.kill_host("h1")
    sim.inject_rebuild("hang", times=4)
    uuid = deployment.notify_host_down("h1")
    harness.wait_until(lambda: len(sim.journal.entries(action="evacuate")) == 4, 60,
                       interval=0.05, what="evacuations to start")
    deployment.kill("engine-a", signal.SIGTERM)
    assert "recoveries still running at shutdown" in deployment.log("engine-a")
    note = deployment.call("GET", f"/notifications/{uuid}", version="1.0")
    assert note["notification"]["status"] == "running"
    sim.faults.clear()
    deployment.start_engine("engine-b")
    # the lease (60 s) was handed back: engine-b resumes at once and, the
    # rebuilds hanging, gives up after wait_period_after_evacuation
    note = deployment.wait_status(uuid, ("error",), timeout=40)
    assert note["status"] == "error"
    # no second evacuate call for any server
    counts = collections.Counter(e.path.split("/servers/")[1].split("/")[0]
                                 for e in sim.journal.entries(action="evacuate"))
    assert set(counts) == {s.id for s in servers}
    assert set(counts.values()) == {1}


# Two of three hosts failing together trips the mass-failure breaker; these
# tests are about losing nothing, so they switch the gates off explicitly.
NO_GATES = {"safety_gates": False}


def test_notifications_accepted_while_no_engine_runs_are_not_lost(sim):
    harness.transport_url()
    deployment = harness.Deployment(sim, extra={"DEFAULT": {
        "notification_lease_period": 6, "retry_notification_new_status_interval": 2},
        "fencing": NO_GATES})
    try:
        _accepted_while_no_engine_runs(sim, deployment)
    finally:
        deployment.stop()


def _accepted_while_no_engine_runs(sim, deployment):
    deployment.start_api()
    servers = {host: sim.add_server(host, metadata=HA) for host in ("h1", "h2")}
    deployment.make_segment(["h1", "h2", "h3"])
    sim.kill_host("h1")
    sim.kill_host("h2")
    accepted = [deployment.notify_host_down(host) for host in ("h1", "h2")]
    note = deployment.call("GET", f"/notifications/{accepted[0]}", version="1.0")
    assert note["notification"]["status"] == "new"
    deployment.start_engine()
    for uuid in accepted:
        assert deployment.wait_status(uuid, timeout=90)["status"] == "finished"
    assert all(sim.get_server(s.id).host == "h3" for s in servers.values())


def test_broker_outage_while_notifications_arrive_loses_none(sim):
    """RabbitMQ goes away (as seen by API and engine) while hosts fail."""
    proxy = harness.BrokerProxy(harness.transport_url())
    deployment = harness.Deployment(sim, extra={"DEFAULT": {
        "transport_url": proxy.url, "notification_lease_period": 6,
        "retry_notification_new_status_interval": 2}, "fencing": NO_GATES})
    try:
        deployment.start_api()
        deployment.start_engine()
        servers = {host: sim.add_server(host, metadata=HA) for host in ("h1", "h2")}
        deployment.make_segment(["h1", "h2", "h3"])
        proxy.cut()
        sim.kill_host("h1")
        sim.kill_host("h2")
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            posts = [pool.submit(deployment.notify_host_down, host)
                     for host in ("h1", "h2")]
            # Stored while the broker is away (the API's cast then waits
            # for the broker: oslo.messaging retries a cast forever) ...
            harness.wait_until(lambda: len(stored_notifications(deployment)) == 2,
                               60, what="notifications stored during the outage")
            # ... the engine picks them up without RPC and the outage lasts
            # well into the recovery.
            harness.wait_until(
                lambda: set(stored_notifications(deployment).values()) - {"new"},
                60, what="the engine to pick up notifications during the outage")
            proxy.restore()
            accepted = [p.result(timeout=90) for p in posts]
        # ... and all recovered once it is back, each host exactly once.
        for uuid in accepted:
            assert deployment.wait_status(uuid, timeout=120)["status"] == "finished"
        assert all(sim.get_server(s.id).host == "h3" for s in servers.values())
        counts = collections.Counter(
            e.path.split("/servers/")[1].split("/")[0]
            for e in sim.journal.entries(action="evacuate"))
        assert sorted(counts.values()) == [1, 1]
        # The engine's RPC server is reachable again: details come over RPC.
        details = harness.wait_until(
            lambda: deployment.notification(accepted[0]).get(
                "recovery_workflow_details"), 60, interval=1,
            what="workflow details over RPC after the outage")
        assert any(d["state"] == "SUCCESS" for d in details)
    finally:
        deployment.stop()
        proxy.close()


def stored_notifications(deployment) -> dict:
    """notification_uuid -> status, read from the database directly."""
    import sqlalchemy as sa
    engine = sa.create_engine(deployment.db_url)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT notification_uuid, status FROM notifications").all()
    finally:
        engine.dispose()
    return dict(rows)
