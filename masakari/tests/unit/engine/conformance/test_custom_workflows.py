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

"""Custom recovery workflows as upstream reads them (ours fail fast at
start-up on a bad task list) and the task entry points."""

import pathlib

import pytest

from masakari.engine import exceptions
from masakari.engine.drivers import taskflow as tf_driver
from masakari.engine.drivers.taskflow import flows

GROUP = "taskflow_driver_recovery_flows"
REPO = pathlib.Path(__file__).resolve().parents[5]
SHIPPED = REPO / "etc" / "masakari" / "masakari-custom-recovery-methods.conf"

# Upstream's default task lists, by option.
DEFAULTS = {
    "host_auto_failure_recovery_tasks": {
        "pre": ["disable_compute_service_task"],
        "main": ["prepare_HA_enabled_instances_task"],
        "post": ["evacuate_instances_task"]},
    "host_rh_failure_recovery_tasks": {
        "pre": ["disable_compute_service_task"],
        "main": ["prepare_HA_enabled_instances_task", "evacuate_instances_task"],
        "post": []},
    "instance_failure_recovery_tasks": {
        "pre": ["stop_instance_task"], "main": ["start_instance_task"],
        "post": ["confirm_instance_active_task"]},
    "process_failure_recovery_tasks": {
        "pre": ["disable_compute_node_task"],
        "main": ["confirm_compute_node_disabled_task"], "post": []},
}
KIND = {"host_auto_failure_recovery_tasks": "auto", "host_rh_failure_recovery_tasks": "rh",
        "instance_failure_recovery_tasks": "instance",
        "process_failure_recovery_tasks": "process"}

# masakari.task_flow.tasks entry points: name -> class name.
ENTRY_POINTS = {
    "disable_compute_service_task": "DisableComputeServiceTask",
    "prepare_HA_enabled_instances_task": "PrepareHAEnabledInstancesTask",
    "evacuate_instances_task": "EvacuateInstancesTask",
    "stop_instance_task": "StopInstanceTask",
    "start_instance_task": "StartInstanceTask",
    "confirm_instance_active_task": "ConfirmInstanceActiveTask",
    "disable_compute_node_task": "DisableComputeNodeTask",
    "confirm_compute_node_disabled_task": "ConfirmComputeNodeDisabledTask",
    "no_op": "Noop",
}


def load_file(conf, path):
    conf([f"--config-file={path}"], project="masakari", default_config_files=[])
    conf.set_override("connection", "sqlite://", group="database")


@pytest.mark.parametrize("option", sorted(DEFAULTS))
def test_default_task_lists(conf, option):
    assert flows.task_lists(conf, KIND[option]) == DEFAULTS[option]


def test_shipped_file_changes_nothing(conf, nova):
    load_file(conf, SHIPPED)
    for option, expected in DEFAULTS.items():
        assert flows.task_lists(conf, KIND[option]) == expected
    tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")


@pytest.mark.parametrize("name,cls", sorted(ENTRY_POINTS.items()))
def test_task_names_resolve(name, cls):
    resolved = flows.TaskRegistry().resolve(name)
    assert resolved is not None and resolved.__name__ == cls


@pytest.mark.parametrize("text,expected", [
    ("pre:['no_op'],main:[],post:[]", {"pre": ["no_op"], "main": [], "post": []}),
    ('pre:["no_op"],main:[stop_instance_task],post:[]',
     {"pre": ["no_op"], "main": ["stop_instance_task"], "post": []}),
    ("pre:[no_op, start_instance_task],main:[],post:[]",
     {"pre": ["no_op", "start_instance_task"], "main": [], "post": []}),
])
def test_file_value_forms(tmp_path, conf, nova, text, expected):
    """Type: dict without braces, items optionally quoted."""
    path = tmp_path / "custom.conf"
    path.write_text(f"[{GROUP}]\ninstance_failure_recovery_tasks = {text}\n")
    load_file(conf, path)
    assert flows.task_lists(conf, "instance") == expected
    tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")


@pytest.mark.parametrize("option", sorted(DEFAULTS))
@pytest.mark.parametrize("value,reason", [
    ({"pre": ["no_such_task"], "main": [], "post": []}, "unknown task"),
    ({"pre": [], "main": ["no_op", "no_op"], "post": []}, "listed twice"),
    ({"pre": [], "main": [], "post": [], "during": []}, "unknown key"),
])
def test_bad_lists_stop_the_engine_for_every_option(conf, nova, option, value, reason):
    """A bad task list stops the engine at start-up, naming the option."""
    conf.set_override(option, value, group=GROUP)
    with pytest.raises(exceptions.InvalidRecoveryFlowConfig) as err:
        tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://")
    assert option in str(err.value) and reason in str(err.value)


def test_custom_process_flow_order_and_store(conf, nova, runtime):
    """Tasks run pre -> main -> post; execute() args come from the store."""
    from taskflow import task

    ran = []

    def make(label):
        class Step(task.Task):
            def __init__(self, context, novaclient, **kwargs):
                super().__init__(name=label)

            def execute(self, host_name, notification_uuid):
                ran.append((label, host_name, notification_uuid))
        return Step

    registry = flows.TaskRegistry(extra={"a": make("a"), "b": make("b"), "c": make("c")})
    conf.set_override("process_failure_recovery_tasks",
                      {"pre": ["c"], "main": ["a"], "post": ["b"]}, group=GROUP)
    driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://",
                                      registry=registry)
    driver.execute_process_failure(None, "nova-compute", "h1", "n-9", runtime=runtime)
    assert ran == [("c", "h1", "n-9"), ("a", "h1", "n-9"), ("b", "h1", "n-9")]


def test_failing_custom_task_fails_the_flow(conf, nova, runtime):
    from taskflow import task

    class Boom(task.Task):
        def __init__(self, context, novaclient, **kwargs):
            super().__init__(name="boom")

        def execute(self):
            raise RuntimeError("custom task failed")

    registry = flows.TaskRegistry(extra={"boom": Boom})
    conf.set_override("process_failure_recovery_tasks",
                      {"pre": ["boom"], "main": [], "post": []}, group=GROUP)
    driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url="memory://",
                                      registry=registry)
    with pytest.raises(Exception, match="custom task failed"):
        driver.execute_process_failure(None, "nova-compute", "h1", "n-9", runtime=runtime)
