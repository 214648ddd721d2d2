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

"""Failover segment operations behind the REST handlers."""

from __future__ import annotations

from typing import Any

from masakari import exception
from masakari import notifications
from masakari.ha import events


def list_segments(db: Any, filters: dict, sort_keys: list | None,
                  sort_dirs: list | None, limit: int | None,
                  marker: str | None) -> list:
    return db.failover_segment_get_all_by_filters(
        filters=filters, sort_keys=sort_keys, sort_dirs=sort_dirs,
        limit=limit, marker=marker)


def get_segment(db: Any, uuid: str) -> Any:
    return db.failover_segment_get_by_uuid(uuid)


def create_segment(db: Any, context: Any, values: dict, *,
                   emitter: notifications.Emitter) -> Any:
    values = dict(values)
    values.setdefault('enabled', True)
    values.setdefault('description', None)
    with events.around(emitter, context, 'segment', 'create', values):
        segment = db.failover_segment_create(values)
    return segment


def _check_not_in_use(db: Any, uuid: str, action: str) -> None:
    if db.is_failover_segment_under_recovery(uuid):
        raise exception.FailoverSegmentInUse(uuid=uuid, action=action)


def update_segment(db: Any, context: Any, uuid: str, values: dict, *,
                   emitter: notifications.Emitter) -> Any:
    segment = db.failover_segment_get_by_uuid(uuid)
    _check_not_in_use(db, uuid, 'updated')
    preview = events.segment_data(segment)
    preview.update(values)
    with events.around(emitter, context, 'segment', 'update', preview):
        segment = db.failover_segment_update(uuid, values)
    return segment


def delete_segment(db: Any, context: Any, uuid: str, *,
                   emitter: notifications.Emitter) -> None:
    segment = db.failover_segment_get_by_uuid(uuid)
    _check_not_in_use(db, uuid, 'deleted')
    with events.around(emitter, context, 'segment', 'delete',
                       events.segment_data(segment)):
        db.failover_segment_delete(uuid)
