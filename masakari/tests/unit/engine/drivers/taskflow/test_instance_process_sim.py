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

"""Instance and process failure flows against the cloud simulator: the
exact journal of Nova calls."""

import pytest

from masakari.engine import exceptions
from masakari.tests.unit.engine import fakes
from masakari.tests.unit.engine import sim as simhelp

NOTIF = "77777777-2222-3333-4444-555555555555"
HA = {"HA_Enabled": "True"}


@pytest.fixture
def cloud():
    with simhelp.two_host_cloud() as sim:
        yield sim


@pytest.fixture
def driver(conf, cloud):
    return simhelp.driver(conf, cloud)


@pytest.fixture
def runtime(conf, cloud):
    return fakes.make_runtime(conf, clock=simhelp.SimEngineClock(cloud.clock),
                              notification_uuid=NOTIF)


def actions(cloud):
    return [e.action for e in cloud.journal.entries(kind="compute.server.action")]


def test_instance_recovery_journal(cloud, driver, runtime):
    vm = cloud.add_server("h1", metadata=HA)
    driver.execute_instance_failure(None, vm.id, NOTIF, host_name="h1", runtime=runtime)
    assert actions(cloud) == ["lock", "os-stop", "os-start", "unlock"]
    after = cloud.get_server(vm.id)
    assert after.vm_state == "active" and not after.locked


def test_instance_stopped_only_started(cloud, driver, runtime):
    vm = cloud.add_server("h1", vm_state="stopped", metadata=HA)
    driver.execute_instance_failure(None, vm.id, NOTIF, host_name="h1", runtime=runtime)
    assert actions(cloud) == ["lock", "os-start", "unlock"]


def test_instance_not_ha_enabled_skipped_without_actions(cloud, driver, runtime):
    vm = cloud.add_server("h1")
    with pytest.raises(exceptions.SkipInstanceRecoveryException):
        driver.execute_instance_failure(None, vm.id, NOTIF, host_name="h1",
                                        runtime=runtime)
    assert actions(cloud) == []


def test_instance_on_other_host_ignored(cloud, driver, runtime):
    vm = cloud.add_server("h2", metadata=HA)
    with pytest.raises(exceptions.IgnoreInstanceRecoveryException):
        driver.execute_instance_failure(None, vm.id, NOTIF, host_name="h1",
                                        runtime=runtime)
    assert actions(cloud) == []


def test_instance_missing_is_an_error(cloud, driver, runtime):
    from masakari import exception
    with pytest.raises(exception.NotFound):
        driver.execute_instance_failure(None, "00000000-0000-0000-0000-000000000000",
                                        NOTIF, host_name="h1", runtime=runtime)


def test_instance_start_failure_unlocks(cloud, driver, runtime):
    vm = cloud.add_server("h1", metadata=HA)
    cloud.inject(action="os-start", status=500, times=1)
    from masakari import exception
    with pytest.raises(exception.MasakariException):
        driver.execute_instance_failure(None, vm.id, NOTIF, host_name="h1",
                                        runtime=runtime)
    assert actions(cloud)[-1] == "unlock"
    assert not cloud.get_server(vm.id).locked


def test_process_failure_journal(cloud, driver, runtime):
    driver.execute_process_failure(None, "nova-compute", "h1", NOTIF, runtime=runtime)
    updates = [e.body for e in cloud.journal.entries(kind="compute.service.update")]
    assert updates == [{"status": "disabled",
                        "disabled_reason": "Masakari detected process failed."}]
    assert cloud.get_service("h1")["status"] == "disabled"
