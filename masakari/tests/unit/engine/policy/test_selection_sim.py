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

"""Which instances a host recovery evacuates: evacuable tags on flavors,
images and aggregates, instances Nova cannot evacuate, recovery limits
(simulated cloud, exact Nova calls)."""

import pytest

from masakari.engine import exceptions
from masakari.tests.unit.engine import sim as simhelp
from masakari.tests.unit.engine.policy import helpers

HA = {"HA_Enabled": "True"}
IMAGE = "11111111-2222-3333-4444-000000000001"


@pytest.fixture
def cloud():
    with simhelp.two_host_cloud() as sim:
        yield sim


@pytest.fixture
def runner(conf, cloud):
    return helpers.Runner(conf, cloud)


def test_defaults_make_no_policy_request(cloud, runner):
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    runner.host_failure()
    kinds = {e.kind for e in cloud.journal.entries(service="compute")}
    assert kinds == {"compute.service.list", "compute.service.update",
                     "compute.server.list", "compute.server.show",
                     "compute.server.action"}
    assert helpers.evacuations(cloud) == [(vm.id, None)]


def test_flavor_and_image_tags_select_instances(conf, cloud, runner):
    conf.set_override("evacuable_tag", "evacuable", group="host_failure")
    conf.set_override("evacuate_all_instances", False, group="host_failure")
    cloud.set_flavor_specs("m1.medium", {"evacuable": "true"})
    cloud.add_image(IMAGE, {"evacuable": "True"})
    by_flavor = cloud.add_server("h1", flavor="m1.medium")
    by_image = cloud.add_server("h1", image_id=IMAGE)
    by_meta = cloud.add_server("h1", metadata=HA)
    plain = cloud.add_server("h1")
    cloud.kill_host("h1")
    runner.host_failure()
    moved = {s for s, _ in helpers.evacuations(cloud)}
    assert moved == {by_flavor.id, by_image.id, by_meta.id}
    assert cloud.get_server(plain.id).host == "h1"
    # image properties come from Nova's image proxy at 2.35, once per image
    images = cloud.journal.entries(kind="compute.image.show")
    assert sorted((e.path, e.microversion) for e in images) == [
        ("/v2.1/images/%s" % IMAGE, "2.35"),
        ("/v2.1/images/70a599e0-31e7-49b7-b260-868f441e862b", "2.35")]


def test_untagged_aggregates_mean_every_host(conf, cloud, runner):
    conf.set_override("evacuable_tag", "evacuable", group="host_failure")
    cloud.add_aggregate("plain", ["h1", "h2"], metadata={"x": "y"})
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    runner.host_failure()
    assert cloud.get_server(vm.id).host == "h2"


def test_host_outside_tagged_aggregates_is_not_evacuated(conf, cloud, runner):
    conf.set_override("evacuable_tag", "evacuable", group="host_failure")
    cloud.add_aggregate("ha", ["h2"], metadata={"evacuable": "true"})
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    with pytest.raises(exceptions.SkipHostRecoveryException):
        runner.host_failure()
    assert helpers.evacuations(cloud) == []
    assert cloud.get_server(vm.id).host == "h1"


def test_vtpm_instance_is_skipped_with_reason(conf, cloud, runner):
    conf.set_override("skip_unevacuable_instances", True,
                      group="host_failure")
    cloud.set_flavor_specs("m1.large", {"hw:tpm_version": "2.0"})
    vtpm = cloud.add_server("h1", flavor="m1.large", metadata=HA)
    vm = cloud.add_server("h1", metadata=HA)
    cloud.kill_host("h1")
    runner.host_failure()   # succeeds: the vTPM instance does not fail it
    assert helpers.actions(cloud) == [
        ("lock", vm.id), ("evacuate", vm.id), ("unlock", vm.id)]
    vmoves = runner.vmoves()
    assert vmoves[vtpm.id].status == "ignored"
    assert "vTPM" in vmoves[vtpm.id].message
    assert vmoves[vtpm.id].end_time is not None   # shown in the timeline
    assert vmoves[vm.id].status == "succeeded"


def test_vtpm_instance_fails_the_recovery_by_default(cloud, runner):
    cloud.set_flavor_specs("m1.large", {"hw:tpm_version": "2.0"})
    vtpm = cloud.add_server("h1", flavor="m1.large", metadata=HA)
    cloud.kill_host("h1")
    with pytest.raises(exceptions.HostRecoveryFailureException):
        runner.host_failure()
    assert runner.vmoves()[vtpm.id].status == "failed"


def test_recovery_limit_leaves_instance_alone(conf, cloud, runner):
    conf.set_override("max_recoveries_per_instance", 2,
                      group="recovery_limits")
    tired = cloud.add_server("h1", metadata=HA)
    fresh = cloud.add_server("h1", metadata=HA)
    runner.store.add_notification(
        "VM", "h1", {"instance_uuid": tired.id, "event": "LIFECYCLE"})
    old = runner.store.add_notification("COMPUTE_HOST", "h2",
                                        {"event": "STOPPED"})
    runner.store.vmove_create({
        "notification_uuid": old.notification_uuid,
        "instance_uuid": tired.id, "instance_name": "x",
        "source_host": "h2", "type": "evacuation", "status": "succeeded"})
    # outside the window: not counted
    runner.store.add_notification(
        "VM", "h1", {"instance_uuid": fresh.id}, age=7200)
    runner.store.add_notification(
        "VM", "h1", {"instance_uuid": fresh.id}, age=7300)
    cloud.kill_host("h1")
    runner.host_failure()
    assert helpers.evacuations(cloud) == [(fresh.id, None)]
    tired_move = [v for v in runner.store.vmoves.values()
                  if v.instance_uuid == tired.id
                  and v.notification_uuid == helpers.NOTIF]
    assert [v.status for v in tired_move] == ["ignored"]
    assert "recovered 2 times" in tired_move[0].message


def test_recovery_limit_on_instance_failure(conf, cloud, runner):
    conf.set_override("max_recoveries_per_instance", 1,
                      group="recovery_limits")
    vm = cloud.add_server("h1", metadata=HA)
    runner.store.add_notification("VM", "h1", {"instance_uuid": vm.id})
    with pytest.raises(exceptions.IgnoreInstanceRecoveryException,
                       match="recovered 1 times"):
        runner.instance_failure(vm.id)
    assert helpers.actions(cloud) == []


def test_instance_failure_below_the_limit_recovers(conf, cloud, runner):
    conf.set_override("max_recoveries_per_instance", 2,
                      group="recovery_limits")
    vm = cloud.add_server("h1", metadata=HA)
    runner.store.add_notification("VM", "h1", {"instance_uuid": vm.id})
    runner.instance_failure(vm.id)
    assert helpers.actions(cloud) == [
        ("lock", vm.id), ("os-stop", vm.id), ("os-start", vm.id),
        ("unlock", vm.id)]
