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

"""The DB API: :class:`DBAPI` binds the per-table functions to one database.

Each table's module holds plain functions taking the
:class:`~masakari.db.session.Database` first; a service builds one
``DBAPI(Database.from_conf(conf))`` and passes it down, so its callers write
``db.host_create(values)``.  No request context is taken; every function
opens its own transaction.
Reads return records (:mod:`masakari.db.records`: column values as
attributes, a host with its ``failover_segment``); writes return the ORM
instance they stored, usable after the session closed.  Reads and
uniqueness checks only consider rows with ``deleted = 0``.  One module per
table holds its functions.
"""

import functools
from typing import Any

from masakari.db.api import hosts
from masakari.db.api import notifications
from masakari.db.api import segments
from masakari.db.api import vmoves
from masakari.db.api.base import HOST_FILTERS
from masakari.db.api.base import NOTIFICATION_FILTERS
from masakari.db.api.base import SEGMENT_FILTERS
from masakari.db.api.base import UNDER_RECOVERY_STATUSES
from masakari.db.api.base import VMOVE_FILTERS
from masakari.db import purge
from masakari.db.session import Database

# Every DB API function by table; each takes the Database first.
FUNCTIONS = (
    segments.failover_segment_create,
    segments.failover_segment_delete,
    segments.failover_segment_get_all_by_filters,
    segments.failover_segment_get_by_id,
    segments.failover_segment_get_by_name,
    segments.failover_segment_get_by_uuid,
    segments.failover_segment_update,
    segments.is_failover_segment_under_recovery,
    hosts.host_create,
    hosts.host_delete,
    hosts.host_get_all_by_filters,
    hosts.host_get_by_id,
    hosts.host_get_by_name,
    hosts.host_get_by_uuid,
    hosts.host_update,
    notifications.notification_create,
    notifications.notification_create_for_host,
    notifications.notification_delete,
    notifications.notification_get_all_by_filters,
    notifications.notification_get_by_id,
    notifications.notification_get_by_uuid,
    notifications.notification_update,
    vmoves.vmove_create,
    vmoves.vmove_create_many,
    vmoves.vmove_get_all_by_filters,
    vmoves.vmove_get_by_uuid,
    vmoves.vmove_update,
    vmoves.vmove_update_each,
    vmoves.vmove_update_many,
)


class DBAPI:
    """The DB API functions bound to ``database``.

    ``db.host_get_by_name(name)`` is ``hosts.host_get_by_name(database,
    name)``; every name of :data:`FUNCTIONS` is an attribute.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        for func in FUNCTIONS:
            setattr(self, func.__name__, functools.partial(func, database))

    @classmethod
    def from_conf(cls, conf: Any) -> "DBAPI":
        """The DB API over ``[database] connection``."""
        return cls(Database.from_conf(conf))

    def get_engine(self) -> Any:
        """The database's SQLAlchemy engine."""
        return self.database.get_engine()

    def dispose(self) -> None:
        """Close the database's pooled connections."""
        self.database.dispose()

    def purge_deleted_rows(self, age_in_days: int, max_rows: int) -> int:
        """Hard-delete old soft-deleted rows and old terminal notifications
        (those that finished long enough ago); returns the number of rows
        deleted."""
        return purge.purge_deleted_rows(self.get_engine(), age_in_days,
                                        max_rows)


__all__ = [
    'DBAPI', 'Database', 'FUNCTIONS', 'HOST_FILTERS', 'NOTIFICATION_FILTERS',
    'SEGMENT_FILTERS', 'UNDER_RECOVERY_STATUSES', 'VMOVE_FILTERS',
]
