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

"""Recovery workflow task lists: read, validate (fail fast), build flows.

Task names are looked up in the stevedore namespace masakari.task_flow.tasks;
the built-in tasks are also known by this table so an uninstalled checkout
works. Unknown names, unknown keys, duplicate names or an unparsable value
raise InvalidRecoveryFlowConfig when the driver starts.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

import stevedore
from taskflow import retry
from taskflow.patterns import linear_flow

from masakari.engine import exceptions

LOG = logging.getLogger(__name__)

NAMESPACE = "masakari.task_flow.tasks"
GROUP = "taskflow_driver_recovery_flows"
_PKG = "masakari.engine.drivers.taskflow"
BUILTIN_TASKS = {
    "disable_compute_service_task":
        f"{_PKG}.host_failure:DisableComputeServiceTask",
    "prepare_HA_enabled_instances_task":
        f"{_PKG}.host_failure:PrepareHAEnabledInstancesTask",
    "evacuate_instances_task": f"{_PKG}.host_failure:EvacuateInstancesTask",
    "stop_instance_task": f"{_PKG}.instance_failure:StopInstanceTask",
    "start_instance_task": f"{_PKG}.instance_failure:StartInstanceTask",
    "confirm_instance_active_task":
        f"{_PKG}.instance_failure:ConfirmInstanceActiveTask",
    "disable_compute_node_task":
        f"{_PKG}.process_failure:DisableComputeNodeTask",
    "confirm_compute_node_disabled_task":
        f"{_PKG}.process_failure:ConfirmComputeNodeDisabledTask",
    "no_op": f"{_PKG}.no_op:Noop",
}

# flow kind -> (option name, top flow name)
FLOW_KINDS = {
    "auto": ("host_auto_failure_recovery_tasks", "instance_evacuate_engine"),
    "rh": ("host_rh_failure_recovery_tasks", "instance_evacuate_engine"),
    "instance": (
        "instance_failure_recovery_tasks",
        "instance_recovery_engine",
    ),
    "process": ("process_failure_recovery_tasks", "process_recovery_engine"),
}
PHASES = ("pre", "main", "post")


def _entry_points() -> dict[str, Any]:
    try:
        manager = stevedore.ExtensionManager(NAMESPACE, invoke_on_load=False)
    except Exception:  # noqa: BLE001 - fall back to the built-in table
        return {}
    return {ext.name: ext.plugin for ext in manager}


class TaskRegistry:
    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        self._classes = _entry_points()
        self._classes.update(extra or {})

    def resolve(self, name: str) -> Any:
        cls = self._classes.get(name)
        if cls is None and name in BUILTIN_TASKS:
            module, attr = BUILTIN_TASKS[name].split(":")
            cls = getattr(importlib.import_module(module), attr)
            self._classes[name] = cls
        return cls

    def atom_name(self, name: str) -> str | None:
        """The taskflow atom name of a configured task (detail ordering)."""
        cls = self.resolve(name)
        if cls is None:
            return None
        if cls.__module__ == f"{_PKG}.no_op":
            return f"{cls.__module__}.{cls.__name__}"
        return cls.__name__


def task_lists(conf: Any, kind: str) -> dict[str, list[str]]:
    option = FLOW_KINDS[kind][0]
    try:
        value = getattr(getattr(conf, GROUP), option)
    except Exception as err:  # noqa: BLE001 - oslo.config parse errors
        raise exceptions.InvalidRecoveryFlowConfig(
            group=GROUP, option=option, reason=str(err)
        ) from err
    if not isinstance(value, dict):
        raise exceptions.InvalidRecoveryFlowConfig(
            group=GROUP, option=option, reason="not a dictionary"
        )
    unknown = set(value) - set(PHASES)
    if unknown:
        raise exceptions.InvalidRecoveryFlowConfig(
            group=GROUP,
            option=option,
            reason=f"unknown key(s) {sorted(unknown)}; "
            "allowed: pre, main, post",
        )
    result = {}
    for phase in PHASES:
        names = value.get(phase) or []
        if not isinstance(names, list):
            raise exceptions.InvalidRecoveryFlowConfig(
                group=GROUP, option=option, reason=f"{phase} must be a list"
            )
        result[phase] = [str(n).strip() for n in names]
    return result


def validate(
    conf: Any, registry: TaskRegistry
) -> dict[str, dict[str, list[str]]]:
    """Check every configured flow; return the task lists by kind."""
    all_lists = {}
    for kind, (option, _) in FLOW_KINDS.items():
        lists = task_lists(conf, kind)
        names = [n for phase in PHASES for n in lists[phase]]
        missing = [n for n in names if registry.resolve(n) is None]
        if missing:
            raise exceptions.InvalidRecoveryFlowConfig(
                group=GROUP,
                option=option,
                reason=f"unknown task(s) {missing} (namespace {NAMESPACE})",
            )
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise exceptions.InvalidRecoveryFlowConfig(
                group=GROUP,
                option=option,
                reason=f"task(s) listed twice: {duplicates}",
            )
        all_lists[kind] = lists
    return all_lists


def build_flow(
    kind: str,
    lists: dict[str, list[str]],
    registry: TaskRegistry,
    task_kwargs: dict[str, Any],
) -> linear_flow.Flow:
    """Linear flow pre → main → post (RH main runs per reserved host)."""
    top = linear_flow.Flow(FLOW_KINDS[kind][1])
    for phase in PHASES:
        tasks = [
            registry.resolve(name)(**task_kwargs) for name in lists[phase]
        ]
        if not tasks:
            continue
        if kind == "rh" and phase == "main":
            sub = linear_flow.Flow(
                "retry_instance_evacuate_engine",
                retry=retry.ParameterizedForEach(
                    name="retry_instance_evacuate_engine_retry",
                    rebind=["reserved_host_list"],
                    provides="reserved_host",
                ),
            )
        else:
            sub = linear_flow.Flow(f"{phase}_tasks")
        sub.add(*tasks)
        top.add(sub)
    return top
