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

"""Persistence of segments, hosts, notifications and vm moves.

* ``models`` - the SQLAlchemy models (upstream's schema, column for
  column);
* ``api`` - the DB API used by the API and the engine (``DBAPI``: the
  per-table functions bound to one database; detached fully-loaded
  results);
* ``migration`` - ``db_sync`` / ``db_version`` over the alembic scripts in
  ``migrations/``; ``purge`` - hard deletion for ``masakari-manage``;
* ``session`` - ``Database``: engine set-up (oslo.db enginefacade, SQLite
  tuning) and transactions; ``listing`` - filters, sort and keyset
  pagination shared by the lists.
"""
