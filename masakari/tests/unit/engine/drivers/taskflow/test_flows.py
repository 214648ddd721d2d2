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

import pytest

from masakari.engine import exceptions
from masakari.engine.drivers import taskflow as tf_driver
from masakari.engine.drivers.taskflow import flows

GROUP = "taskflow_driver_recovery_flows"
NOTIF = "aaaaaaaa-2222-3333-4444-555555555555"


def override(conf, option, value):
    conf.set_override(option, value, group=GROUP)


def test_defaults_are_valid(conf):
    lists = flows.validate(conf, flows.TaskRegistry())
    assert lists["auto"] == {"pre": ["disable_compute_service_task"],
                             "main": ["prepare_HA_enabled_instances_task"],
                             "post": ["evacuate_instances_task"]}


@pytest.mark.parametrize("value,reason", [
    ({"pre": ["no_such_task"], "main": [], "post": []}, "unknown task"),
    ({"pre": [], "main": [], "post": [], "extra": []}, "unknown key"),
    ({"pre": ["no_op"], "main": ["no_op"], "post": []}, "listed twice"),
])
def test_bad_task_lists_fail_at_start(conf, nova, value, reason):
    override(conf, "instance_failure_recovery_tasks", value)
    with pytest.raises(exceptions.InvalidRecoveryFlowConfig) as err:
        tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")
    assert reason in str(err.value)
    assert "instance_failure_recovery_tasks" in str(err.value)


def test_unparsable_value_fails_at_start(tmp_path, conf, nova):
    path = tmp_path / "custom.conf"
    path.write_text(f"[{GROUP}]\nprocess_failure_recovery_tasks = {{pre:[x]}}\n")
    conf([f"--config-file={path}"], project="masakari", default_config_files=[])
    conf.set_override("connection", "sqlite://", group="database")
    with pytest.raises(exceptions.InvalidRecoveryFlowConfig):
        tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")


def test_missing_keys_mean_empty_lists(conf):
    override(conf, "process_failure_recovery_tasks", {"pre": ["no_op"]})
    lists = flows.task_lists(conf, "process")
    assert lists == {"pre": ["no_op"], "main": [], "post": []}


def test_custom_flow_with_no_op_runs_and_keeps_details(conf, nova, runtime):
    override(conf, "host_auto_failure_recovery_tasks",
             {"pre": ["disable_compute_service_task", "no_op"],
              "main": ["prepare_HA_enabled_instances_task"],
              "post": ["evacuate_instances_task"]})
    nova.add_host("h1")
    nova.add_host("h2")
    nova.add_server("h1")
    driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")
    driver.execute_host_failure(None, "h1", "auto", NOTIF, runtime=runtime, fenced=True)
    names = [d["name"] for d in
             driver.get_notification_recovery_workflow_details(None, NOTIF)]
    # Noop records no progress, so it is not listed
    assert names == ["DisableComputeServiceTask", "PrepareHAEnabledInstancesTask",
                     "EvacuateInstancesTask"]


def test_custom_task_from_registry_gets_store_arguments(conf, nova, runtime):
    from taskflow import task

    seen = []

    class Custom(task.Task):
        def __init__(self, context, novaclient, **kwargs):
            kwargs.pop("runtime", None)
            super().__init__(name="custom")

        def execute(self, process_name, host_name):
            seen.append((process_name, host_name))

    registry = flows.TaskRegistry(extra={"custom_task": Custom})
    override(conf, "process_failure_recovery_tasks",
             {"pre": ["custom_task"], "main": [], "post": []})
    driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://",
                                      registry=registry)
    driver.execute_process_failure(None, "nova-compute", "h1", NOTIF, runtime=runtime)
    assert seen == [("nova-compute", "h1")]
    assert nova.journal == []


def test_process_flow_disables_and_confirms(conf, nova, runtime):
    nova.add_host("h1")
    driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")
    driver.execute_process_failure(None, "nova-compute", "h1", NOTIF, runtime=runtime)
    assert nova.mutations() == [("disable_service", "h1",
                                 "Masakari detected process failed.")]
    nova.journal.clear()
    driver.execute_process_failure(None, "nova-compute", "h1", NOTIF, runtime=runtime)
    assert nova.mutations() == []   # already disabled: skipped


def test_process_flow_not_confirmed_is_failure(conf, nova, runtime, monkeypatch):
    nova.add_host("h1")
    driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")
    monkeypatch.setattr(nova, "disable_service", lambda *a, **k: {})
    with pytest.raises(exceptions.ProcessRecoveryFailureException):
        driver.execute_process_failure(None, "nova-compute", "h1", NOTIF, runtime=runtime)


def test_other_process_is_skipped(conf, nova, runtime):
    driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")
    with pytest.raises(exceptions.SkipProcessRecoveryException):
        driver.execute_process_failure(None, "sshd", "h1", NOTIF, runtime=runtime)
