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

"""Host operations behind the REST handlers."""

from __future__ import annotations

from typing import Any

from masakari import exception
from masakari.ha import compute
from masakari import notifications
from masakari.ha import events
from masakari.ha import listing


def list_hosts(db: Any, segment_uuid: str, filters: dict,
               sort_keys: list | None, sort_dirs: list | None,
               limit: int | None, marker: str | None) -> list:
    db.failover_segment_get_by_uuid(segment_uuid)
    return listing.list_children(
        db.host_get_all_by_filters, 'failover_segment_id', segment_uuid,
        filters, sort_keys, sort_dirs, limit, marker)


def get_host(db: Any, segment_uuid: str, host_uuid: str) -> Any:
    return db.host_get_by_uuid(host_uuid, segment_uuid=segment_uuid)


def _check_compute(check: compute.Checker, context: Any, name: str
                   ) -> None:
    try:
        check(context, name)
    except exception.ComputeNotFoundByName as exc:
        # A bad host name is a bad request, not a missing URL resource.
        raise exception.InvalidInput(message=str(exc)) from None


def create_host(db: Any, context: Any, segment_uuid: str, values: dict,
                check: compute.Checker, *,
                emitter: notifications.Emitter) -> Any:
    """Create a host of a segment; ``check`` asks Nova about its name."""
    segment = db.failover_segment_get_by_uuid(segment_uuid)
    _check_compute(check, context, values['name'])
    values = dict(values, failover_segment_id=segment.uuid)
    values.setdefault('reserved', False)
    values.setdefault('on_maintenance', False)
    data = dict(values)
    data['failover_segment'] = events.segment_data(segment)
    with events.around(emitter, context, 'host', 'create', data):
        host = db.host_create(values)
    return host


def _check_not_in_use(db: Any, host: Any, action: str) -> None:
    if db.is_failover_segment_under_recovery(host.failover_segment_id):
        raise exception.HostInUse(uuid=host.uuid, action=action)


def update_host(db: Any, context: Any, segment_uuid: str,
                host_uuid: str, values: dict, check: compute.Checker, *,
                emitter: notifications.Emitter) -> Any:
    """Update a host; a new name is checked with Nova through ``check``."""
    host = db.host_get_by_uuid(host_uuid, segment_uuid=segment_uuid)
    _check_not_in_use(db, host, 'updated')
    if 'name' in values:
        _check_compute(check, context, values['name'])
    data = events.host_data(host)
    data.update(values)
    with events.around(emitter, context, 'host', 'update', data):
        host = db.host_update(host_uuid, values)
    return host


def delete_host(db: Any, context: Any, segment_uuid: str,
                host_uuid: str, *,
                emitter: notifications.Emitter) -> None:
    host = db.host_get_by_uuid(host_uuid, segment_uuid=segment_uuid)
    _check_not_in_use(db, host, 'deleted')
    with events.around(emitter, context, 'host', 'delete',
                       events.host_data(host)):
        db.host_delete(host_uuid)
