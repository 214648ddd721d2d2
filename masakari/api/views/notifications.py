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

"""Notification representation (fields in upstream's
order)."""

import json
from typing import Any

from masakari.api.views import common


def _payload(value: Any) -> Any:
    if isinstance(value, (str, bytes)):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


HEAD_FIELDS = (
    ('id', common.identity),
    ('notification_uuid', common.identity),
    ('generated_time', common.datetime_text),
    ('source_host_uuid', common.identity),
    ('type', common.identity),
    ('payload', _payload),
    ('status', common.identity),
)
TAIL_FIELDS = (
    ('failover_segment_uuid', common.identity),
    ('message', common.identity),
) + common.TIMESTAMP_FIELDS


def show(notification: Any, workflow_details: list | None = None) -> dict:
    """The representation; details (microversion >= 1.1) follow status."""
    doc = common.render(notification, HEAD_FIELDS)
    if workflow_details is not None:
        doc['recovery_workflow_details'] = workflow_details
    doc.update(common.render(notification, TAIL_FIELDS))
    return doc


def single(notification: Any, workflow_details: list | None = None) -> dict:
    return {'notification': show(notification, workflow_details)}


def collection(notifications: list) -> dict:
    return {'notifications': [show(n) for n in notifications]}
