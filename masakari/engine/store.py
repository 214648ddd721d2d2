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

"""The engine's implementation of the driver's store port.

Host changes are announced as host.update.start/end (or .error) with the
engine as publisher; vmove rows are written as they are.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from masakari.engine import payloads

BINARY = "masakari-engine"
# vmove statuses that end an evacuation.
FINAL_VMOVE_STATUSES = frozenset({"succeeded", "failed", "ignored"})


class EngineStore:
    """RecoveryStore over the masakari DB API for one notification."""

    def __init__(
        self,
        db: Any,
        context: Any = None,
        emit: Callable[..., None] | None = None,
        metrics: Any = None,
    ) -> None:
        self.db = db
        self.context = context
        self.emit = emit
        self.metrics = metrics

    # -- hosts -----------------------------------------------------------
    def update_host(self, host: Any, values: dict) -> Any:
        """Save a host change, announced as host.update.*."""
        self._emit("start", payloads.host_payload(host, values))
        try:
            updated = self.db.host_update(host.uuid, values)
        except Exception as err:
            self._emit("error", payloads.host_payload(host, values), err)
            raise
        self._emit("end", payloads.host_payload(updated, {}))
        return updated

    def set_host_reserved(self, host_name: str, reserved: bool) -> None:
        self.update_host(
            self.db.host_get_by_name(host_name), {"reserved": reserved}
        )

    def _emit(
        self, phase: str, payload: dict, error: Exception | None = None
    ) -> None:
        if self.emit is None:
            return
        kwargs: dict[str, Any] = {"binary": BINARY}
        if error is not None:
            kwargs["exception"] = error
        self.emit(self.context, "host", "update", phase, payload, **kwargs)

    def host_get_by_name(self, host_name: str) -> Any:
        return self.db.host_get_by_name(host_name)

    def host_get_all_by_filters(self, filters: dict, **kwargs: Any) -> list:
        return self.db.host_get_all_by_filters(filters=filters, **kwargs)

    # -- notifications (read only) ---------------------------------------
    def notification_get_by_uuid(self, notification_uuid: str) -> Any:
        return self.db.notification_get_by_uuid(notification_uuid)

    def notification_get_all_by_filters(
        self, filters: dict, **kwargs: Any
    ) -> list:
        return self.db.notification_get_all_by_filters(
            filters=filters, **kwargs
        )

    # -- vmoves ------------------------------------------------------------
    def vmove_get_all_by_filters(self, filters: dict, **kwargs: Any) -> list:
        return self.db.vmove_get_all_by_filters(filters=filters, **kwargs)

    def vmove_get_by_uuid(self, uuid: str) -> Any:
        return self.db.vmove_get_by_uuid(uuid)

    def vmove_create_many(self, values_list: list[dict]) -> list:
        return list(self.db.vmove_create_many(values_list))

    def vmove_update(self, uuid: str, values: dict) -> Any:
        updated = self.db.vmove_update(uuid, values)
        self._count(values)
        return updated

    def vmove_update_many(self, uuids: list[str], values: dict) -> Any:
        updated = self.db.vmove_update_many(uuids, values)
        self._count(values, len(uuids))
        return updated

    def vmove_update_each(self, updates: Iterable[tuple[str, dict]]) -> Any:
        updates = list(updates)
        done = self.db.vmove_update_each(updates)
        for _uuid, values in updates:
            self._count(values)
        return done

    def _count(self, values: dict, times: int = 1) -> None:
        """An evacuation that reached its result, for the metrics."""
        result = values.get("status")
        if self.metrics is not None and result in FINAL_VMOVE_STATUSES:
            self.metrics.evacuations.labels(result=result).inc(times)
