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

"""VM move reads (records written by the engine)."""

from __future__ import annotations

from typing import Any

from masakari import exception
from masakari.ha import listing


def _notification_with_vmoves(db: Any, notification_uuid: str) -> Any:
    notification = db.notification_get_by_uuid(notification_uuid)
    if notification.type != 'COMPUTE_HOST':
        raise exception.NotificationWithoutVMoves(id=notification_uuid)
    return notification


def list_vmoves(db: Any, notification_uuid: str, filters: dict,
                sort_keys: list | None, sort_dirs: list | None,
                limit: int | None, marker: str | None) -> list:
    _notification_with_vmoves(db, notification_uuid)
    return listing.list_children(
        db.vmove_get_all_by_filters, 'notification_uuid', notification_uuid,
        filters, sort_keys, sort_dirs, limit, marker)


def get_vmove(db: Any, notification_uuid: str, vmove_uuid: str) -> Any:
    """A vmove of that notification (404 when it belongs to another)."""
    _notification_with_vmoves(db, notification_uuid)
    return db.vmove_get_by_uuid(vmove_uuid,
                                notification_uuid=notification_uuid)
