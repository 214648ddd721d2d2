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
"""Schema migrations: ``db_sync`` and ``db_version`` (alembic, also adopting
upstream-made databases).

Databases last migrated by the old sqlalchemy-migrate tooling carry a
``migrate_version`` table; they are stamped with the matching alembic
revision before upgrading.  Versions older than 7 are refused.

The alembic chain is upstream's, revision for revision.  Once a database is
at head, ``db_sync`` also creates our extra indexes
(:mod:`masakari.db.indexes`), which are outside the chain.
"""

import contextlib
import os
from typing import Any

import sqlalchemy as sa
from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script
from alembic.util import exc as alembic_exc
from oslo_log import log as logging

from masakari.db import indexes
from masakari import exception

LOG = logging.getLogger(__name__)

VERSION_TABLE = "masakari_alembic_version"
LEGACY_TABLE = "migrate_version"
FORCE_ENV = "FORCE_MASAKARI_DB_SYNC"
INITIAL = "8f848eb45d03"
VMOVES = "8bdf5929c5a6"
# sqlalchemy-migrate version -> the alembic revision with the same schema.
LEGACY_REVISIONS = {7: INITIAL, 8: VMOVES}


def _config(connection=None) -> alembic_config.Config:
    cfg = alembic_config.Config()
    cfg.set_main_option("script_location", "masakari.db:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def _engine(engine: sa.engine.Engine | None, url: str | None):
    if engine is not None:
        return engine, False
    if url is None:
        raise ValueError("an engine or a database URL is needed")
    return sa.create_engine(url), True


def heads() -> list[str]:
    """Head revision(s) of the migration scripts."""
    return alembic_script.ScriptDirectory.from_config(_config()).get_heads()


def _current(connection) -> str | None:
    ctx = alembic_migration.MigrationContext.configure(
        connection, opts={"version_table": VERSION_TABLE})
    return ctx.get_current_revision()


def db_version(engine: sa.engine.Engine | None = None,
               url: str | None = None) -> str | None:
    """The current alembic revision, or None for an unversioned database."""
    engine, own = _engine(engine, url)
    try:
        with engine.connect() as conn:
            return _current(conn)
    finally:
        if own:
            engine.dispose()


def resolve_version(version: Any) -> str | None:
    """Map a CLI version argument to an alembic revision (None = head).

    Integer-like values are old sqlalchemy-migrate numbers.
    """
    if version is None:
        return None
    text = str(version).strip()
    if text.isdigit():
        number = int(text)
        if number in LEGACY_REVISIONS:
            return LEGACY_REVISIONS[number]
        raise exception.InvalidInput(
            reason="Unknown legacy database version %s; known: %s"
            % (text, ", ".join(str(n) for n in sorted(LEGACY_REVISIONS))))
    script = alembic_script.ScriptDirectory.from_config(_config())
    try:
        revision = script.get_revision(text)
    except alembic_exc.CommandError:
        revision = None
    if revision is None:
        raise exception.InvalidInput(
            reason="Unknown database version %s" % text)
    return revision.revision


def _legacy_stamp(connection) -> str | None:
    """Alembic revision to stamp a sqlalchemy-migrate database with."""
    inspector = sa.inspect(connection)
    if not inspector.has_table(LEGACY_TABLE):
        return None
    if _current(connection) is not None:
        return None
    version = connection.execute(
        sa.text("SELECT version FROM %s" % LEGACY_TABLE)).scalar()
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise exception.InvalidInput(
            reason="Unrecognised legacy database version %r" % (version,))
    if number < 7:
        raise exception.InvalidInput(
            reason="Database version %d is too old to migrate; upgrade "
                   "through an older masakari release (Yoga or earlier) "
                   "first." % number)
    if number > 8:
        if not os.environ.get(FORCE_ENV):
            raise exception.InvalidInput(
                reason="Database version %d is newer than the last "
                       "sqlalchemy-migrate version (8) this release knows; "
                       "set %s=1 to stamp it as %s anyway."
                       % (number, FORCE_ENV, VMOVES))
        LOG.warning("Legacy database version %d is unknown; stamping it "
                    "as %s because %s is set.", number, VMOVES, FORCE_ENV)
        return VMOVES
    return LEGACY_REVISIONS[number]


def db_sync(version: Any = None, engine: sa.engine.Engine | None = None,
            url: str | None = None,
            taskflow_connection: str | None = None,
            extra_indexes: bool = True) -> None:
    """Upgrade the schema to ``version`` (default: head).

    At head, the missing extra indexes are then created (unless
    ``extra_indexes`` is false: upstream's schema exactly).  Then, if
    ``taskflow_connection`` (the engine's ``[taskflow] connection``) is
    given, upgrade taskflow's persistence tables there.
    """
    target = resolve_version(version) or "head"
    engine, own = _engine(engine, url)
    try:
        with engine.begin() as conn:
            stamp = _legacy_stamp(conn)
        with engine.begin() as conn:
            cfg = _config(conn)
            if stamp is not None:
                LOG.info("Stamping legacy database as %s", stamp)
                alembic_command.stamp(cfg, stamp)
            try:
                alembic_command.upgrade(cfg, target)
            except alembic_exc.CommandError as exc:
                raise exception.InvalidInput(reason=str(exc))
        if extra_indexes:
            with engine.begin() as conn:
                if _current(conn) in heads():
                    indexes.create_missing(conn)
    finally:
        if own:
            engine.dispose()
    if taskflow_connection:
        taskflow_sync(taskflow_connection)


def taskflow_sync(connection: str) -> None:
    """Create/upgrade taskflow's logbook tables at ``connection``."""
    from taskflow.persistence import backends

    backend = backends.fetch({"connection": connection})
    try:
        with contextlib.closing(backend.get_connection()) as conn:
            conn.upgrade()
    finally:
        backend.close()
