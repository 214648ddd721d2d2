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

"""The recovery driver contract (spec engine.md §1.7)."""

from __future__ import annotations

import abc
from typing import Any


class NotificationDriver(abc.ABC):
    """Runs recoveries: returns on success, raises for other outcomes."""

    @abc.abstractmethod
    def execute_host_failure(
        self,
        context: Any,
        host_name: str,
        recovery_method: str,
        notification_uuid: str,
        **kwargs: Any,
    ) -> None:
        """kwargs: update_host_method, reserved_host_list, fenced, runtime."""

    @abc.abstractmethod
    def execute_instance_failure(
        self,
        context: Any,
        instance_uuid: str,
        notification_uuid: str,
        **kwargs: Any,
    ) -> None:
        """kwargs: host_name (the reporting host), runtime."""

    @abc.abstractmethod
    def execute_process_failure(
        self,
        context: Any,
        process_name: str,
        host_name: str,
        notification_uuid: str,
        **kwargs: Any,
    ) -> None:
        """kwargs: runtime."""

    @abc.abstractmethod
    def get_notification_recovery_workflow_details(
        self, context: Any, notification_uuid: str
    ) -> list[dict]:
        """Progress of every task of every run, in run and task order."""

    def upgrade_backend(self, backend: str) -> None:
        """Create or upgrade the driver's own persistence (db sync)."""

    # Retries of a notification in 'error' are counted here rather than in
    # the periodic task's memory, so a restarted (or another) engine keeps
    # counting. This default keeps them in memory; drivers with persistent
    # state override both methods.
    def get_retry_count(self, notification_uuid: str) -> int:
        return self.__dict__.get("_retry_counts", {}).get(
            notification_uuid, 0
        )

    def set_retry_count(self, notification_uuid: str, count: int) -> None:
        self.__dict__.setdefault("_retry_counts", {})[notification_uuid] = (
            count
        )
