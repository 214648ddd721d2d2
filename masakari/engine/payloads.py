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

"""The payloads the engine puts in its versioned notifications.

The field lists are the one table of masakari.notifications, shared with
the API (notification.process.* and host.update.* here).
"""

from __future__ import annotations

import json
from typing import Any

from masakari.notifications import HOST_FIELDS
from masakari.notifications import NOTIFICATION_FIELDS
from masakari.notifications import SEGMENT_FIELDS

__all__ = [
    "HOST_FIELDS",
    "NOTIFICATION_FIELDS",
    "SEGMENT_FIELDS",
    "host_payload",
    "notification_payload",
    "payload_of",
]


def payload_of(notification: Any) -> dict:
    """The notification's payload as a dict ({} when unreadable)."""
    payload = notification.payload
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            payload = {}
    return payload if isinstance(payload, dict) else {}


def notification_payload(row: Any, status: str) -> dict:
    """notification.process.* payload of ``row`` with ``status``."""
    data = {field: getattr(row, field, None) for field in NOTIFICATION_FIELDS}
    data["payload"] = payload_of(row)
    data["status"] = status
    return data


def host_payload(host: Any, values: dict) -> dict:
    """host.update.* payload of ``host`` with ``values`` applied."""
    data = {field: getattr(host, field, None) for field in HOST_FIELDS}
    data.update(values)
    segment = getattr(host, "failover_segment", None)
    if segment is not None:
        data["failover_segment"] = {
            field: getattr(segment, field, None) for field in SEGMENT_FIELDS
        }
    return data
