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

"""The DB API: module-level functions over the main database.

No request context is taken; every function opens its own transaction.
Reads return records (:mod:`masakari.db.records`: column values as
attributes, a host with its ``failover_segment``); writes return the ORM
instance they stored, usable after the session closed.  Reads and
uniqueness checks only consider rows with ``deleted = 0``.  One module per
table holds its functions; this package exports them all under their
usual names.
"""

from masakari.db.api.base import HOST_FILTERS
from masakari.db.api.base import NOTIFICATION_FILTERS
from masakari.db.api.base import SEGMENT_FILTERS
from masakari.db.api.base import UNDER_RECOVERY_STATUSES
from masakari.db.api.base import VMOVE_FILTERS
from masakari.db.api.hosts import host_create
from masakari.db.api.hosts import host_delete
from masakari.db.api.hosts import host_get_all_by_filters
from masakari.db.api.hosts import host_get_by_id
from masakari.db.api.hosts import host_get_by_name
from masakari.db.api.hosts import host_get_by_uuid
from masakari.db.api.hosts import host_update
from masakari.db.api.notifications import notification_create
from masakari.db.api.notifications import notification_delete
from masakari.db.api.notifications import notification_get_all_by_filters
from masakari.db.api.notifications import notification_get_by_id
from masakari.db.api.notifications import notification_get_by_uuid
from masakari.db.api.notifications import notification_update
from masakari.db.api.segments import failover_segment_create
from masakari.db.api.segments import failover_segment_delete
from masakari.db.api.segments import failover_segment_get_all_by_filters
from masakari.db.api.segments import failover_segment_get_by_id
from masakari.db.api.segments import failover_segment_get_by_name
from masakari.db.api.segments import failover_segment_get_by_uuid
from masakari.db.api.segments import failover_segment_update
from masakari.db.api.segments import is_failover_segment_under_recovery
from masakari.db.api.vmoves import vmove_create
from masakari.db.api.vmoves import vmove_create_many
from masakari.db.api.vmoves import vmove_get_all_by_filters
from masakari.db.api.vmoves import vmove_get_by_uuid
from masakari.db.api.vmoves import vmove_update
from masakari.db.api.vmoves import vmove_update_each
from masakari.db.api.vmoves import vmove_update_many
from masakari.db import purge
from masakari.db import session as db_session

configure = db_session.configure
dispose = db_session.dispose
get_engine = db_session.get_engine

__all__ = [
    'HOST_FILTERS', 'NOTIFICATION_FILTERS', 'SEGMENT_FILTERS',
    'UNDER_RECOVERY_STATUSES', 'VMOVE_FILTERS', 'configure', 'dispose',
    'failover_segment_create', 'failover_segment_delete',
    'failover_segment_get_all_by_filters', 'failover_segment_get_by_id',
    'failover_segment_get_by_name', 'failover_segment_get_by_uuid',
    'failover_segment_update', 'get_engine', 'host_create', 'host_delete',
    'host_get_all_by_filters', 'host_get_by_id', 'host_get_by_name',
    'host_get_by_uuid', 'host_update', 'is_failover_segment_under_recovery',
    'notification_create', 'notification_delete',
    'notification_get_all_by_filters', 'notification_get_by_id',
    'notification_get_by_uuid', 'notification_update',
    'purge_deleted_rows', 'vmove_create', 'vmove_create_many',
    'vmove_get_all_by_filters', 'vmove_get_by_uuid', 'vmove_update',
    'vmove_update_each', 'vmove_update_many',
]


def purge_deleted_rows(age_in_days: int, max_rows: int) -> int:
    """Hard-delete old soft-deleted rows and old terminal notifications
    (those that finished long enough ago); returns the number of rows
    deleted."""
    return purge.purge_deleted_rows(get_engine(), age_in_days, max_rows)
