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
"""Migrations on every available backend.

An "upstream-made" database is built from hand-written DDL of upstream's
schema (the one upstream masakari's own ``db sync`` leaves behind) plus the
stamped version table; our db_sync must accept or upgrade it.  The alembic
chain alone yields exactly upstream's schema, which the models describe
(alembic autogenerate finds no diff); a full sync adds exactly our extra
indexes (masakari.db.indexes) on top, and nothing else.
"""

import pytest
import sqlalchemy as sa
from alembic import autogenerate
from alembic import migration as alembic_migration

from masakari.db import indexes
from masakari.db import migration
from masakari.db import models
from masakari import exception

HEAD = "13adff5efb9a"
REVISIONS = ("8f848eb45d03", "8bdf5929c5a6", HEAD)
VERSION_TABLE = "masakari_alembic_version"

# --- hand-written upstream DDL ---------------------------------------------

TYPES = {
    "sqlite": {"id": "INTEGER NOT NULL", "dt": "DATETIME", "bool": "BOOLEAN",
               "text": "TEXT", "tail": "",
               "enum": lambda name, vals: "VARCHAR(%d)" % max(map(len, vals))},
    "mysql": {"id": "INTEGER NOT NULL AUTO_INCREMENT", "dt": "DATETIME",
              "bool": "BOOL", "text": "TEXT",
              "tail": " ENGINE=InnoDB DEFAULT CHARSET=utf8",
              "enum": lambda name, vals: "ENUM(%s)" % ",".join(
                  "'%s'" % v for v in vals)},
    "postgresql": {"id": "SERIAL NOT NULL",
                   "dt": "TIMESTAMP WITHOUT TIME ZONE", "bool": "BOOLEAN",
                   "text": "TEXT", "tail": "",
                   "enum": lambda name, vals: name},
}
METHODS = ("auto", "reserved_host", "auto_priority", "rh_priority")
STATUSES = ("new", "running", "error", "failed", "ignored", "finished")


def _common(t):
    return ("created_at {dt} NULL, updated_at {dt} NULL, "
            "deleted_at {dt} NULL, deleted INTEGER NULL, id {id}, ").format(
                **t)


def upstream_ddl(dialect: str, revision: str) -> list[str]:
    """DDL statements producing upstream's schema at ``revision``."""
    t = TYPES[dialect]
    c = _common(t)
    out = []
    if dialect == "postgresql":
        out.append("CREATE TYPE recovery_methods AS ENUM (%s)" % ", ".join(
            "'%s'" % v for v in METHODS))
        out.append("CREATE TYPE notification_status AS ENUM (%s)"
                   % ", ".join("'%s'" % v for v in STATUSES))
    out.append(
        "CREATE TABLE failover_segments (" + c +
        "uuid VARCHAR(36) NOT NULL, name VARCHAR(255) NOT NULL, "
        "service_type VARCHAR(255) NOT NULL, description %s NULL, "
        "recovery_method %s NOT NULL, enabled %s NULL, PRIMARY KEY (id), "
        "CONSTRAINT uniq_segments0uuid UNIQUE (uuid), "
        "CONSTRAINT uniq_segment0name0deleted UNIQUE (name, deleted))%s"
        % (t["text"], t["enum"]("recovery_methods", METHODS), t["bool"],
           t["tail"]))
    out.append("CREATE INDEX segments_service_type_idx ON "
               "failover_segments (service_type)")
    out.append(
        "CREATE TABLE notifications (" + c +
        "notification_uuid VARCHAR(36) NOT NULL, generated_time %s NOT NULL,"
        " source_host_uuid VARCHAR(36) NOT NULL, type VARCHAR(36) NOT NULL, "
        "payload %s NULL, status %s NOT NULL, PRIMARY KEY (id), "
        "CONSTRAINT uniq_notification0uuid UNIQUE (notification_uuid))%s"
        % (t["dt"], t["text"], t["enum"]("notification_status", STATUSES),
           t["tail"]))
    out.append(
        "CREATE TABLE hosts (" + c +
        "uuid VARCHAR(36) NOT NULL, name VARCHAR(255) NOT NULL, "
        "reserved %s NULL, type VARCHAR(255) NOT NULL, "
        "control_attributes %s NOT NULL, "
        "failover_segment_id VARCHAR(36) NOT NULL, on_maintenance %s NULL, "
        "PRIMARY KEY (id), FOREIGN KEY(failover_segment_id) REFERENCES "
        "failover_segments (uuid), CONSTRAINT uniq_host0uuid UNIQUE (uuid), "
        "CONSTRAINT uniq_host0name0deleted UNIQUE (name, deleted))%s"
        % (t["bool"], t["text"], t["bool"], t["tail"]))
    out.append("CREATE INDEX hosts_type_idx ON hosts (type)")
    if revision == REVISIONS[0]:
        return out
    out.append(
        "CREATE TABLE vmoves (" + c +
        "uuid VARCHAR(36) NOT NULL, notification_uuid VARCHAR(36) NOT NULL, "
        "instance_uuid VARCHAR(36) NOT NULL, "
        "instance_name VARCHAR(255) NOT NULL, source_host VARCHAR(255) NULL, "
        "dest_host VARCHAR(255) NULL, start_time {dt} NULL, "
        "end_time {dt} NULL, type VARCHAR(36) NULL, "
        "status VARCHAR(255) NULL, message {text} NULL, PRIMARY KEY (id), "
        "CONSTRAINT uniq_vmove0uuid UNIQUE (uuid)){tail}".format(**t))
    if revision == REVISIONS[1]:
        return out
    out.append("ALTER TABLE notifications ADD COLUMN failover_segment_uuid "
               "VARCHAR(36) NULL")
    out.append("ALTER TABLE notifications ADD COLUMN message %s NULL"
               % t["text"])
    return out


def build_upstream(database, revision: str | None,
                   legacy_version: int | None = None) -> None:
    """Create upstream's schema; stamp alembic or the legacy table."""
    engine = database.engine()
    try:
        with engine.begin() as conn:
            for statement in upstream_ddl(engine.dialect.name,
                                          revision or REVISIONS[0]):
                conn.exec_driver_sql(statement)
            if revision is not None:
                conn.exec_driver_sql(
                    "CREATE TABLE %s (version_num VARCHAR(32) NOT NULL, "
                    "CONSTRAINT %s_pkc PRIMARY KEY (version_num))"
                    % (VERSION_TABLE, VERSION_TABLE))
                conn.exec_driver_sql("INSERT INTO %s VALUES ('%s')"
                                     % (VERSION_TABLE, revision))
            if legacy_version is not None:
                conn.exec_driver_sql(
                    "CREATE TABLE migrate_version (repository_id "
                    "VARCHAR(250) NOT NULL, repository_path TEXT, "
                    "version INTEGER, PRIMARY KEY (repository_id))")
                conn.exec_driver_sql(
                    "INSERT INTO migrate_version VALUES ('masakari', "
                    "'/x', %d)" % legacy_version)
    finally:
        engine.dispose()


# --- helpers ---------------------------------------------------------------

def schema_snapshot(database) -> dict:
    """Everything of the schema an upgrade could change."""
    engine = database.engine()
    try:
        insp = sa.inspect(engine)
        snap = {}
        for table in sorted(insp.get_table_names()):
            snap[table] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"])
                            for c in insp.get_columns(table)],
                "indexes": sorted((i["name"], tuple(i["column_names"]),
                                   bool(i["unique"]))
                                  for i in insp.get_indexes(table)),
                "unique": sorted((u["name"], tuple(u["column_names"]))
                                 for u in insp.get_unique_constraints(table)),
                "fks": sorted((tuple(f["constrained_columns"]),
                               f["referred_table"],
                               tuple(f["referred_columns"]))
                              for f in insp.get_foreign_keys(table)),
            }
        return snap
    finally:
        engine.dispose()


def model_diff(database) -> list:
    engine = database.engine()
    try:
        with engine.connect() as conn:
            ctx = alembic_migration.MigrationContext.configure(
                conn, opts={"compare_type": True,
                            "compare_server_default": True,
                            "version_table": VERSION_TABLE})
            diff = autogenerate.compare_metadata(ctx, models.Base.metadata)
    finally:
        engine.dispose()
    return [d for d in diff if not _is_version_table(d)]


def _is_version_table(diff) -> bool:
    return (diff[0] == "remove_table" and diff[1].name in
            (VERSION_TABLE, "migrate_version"))


EXTRA_NAMES = sorted(i.name for i in indexes.EXTRA_INDEXES)


def assert_models_plus_extras(database) -> None:
    """The schema is the models' (upstream's) plus exactly our extra
    indexes, with their tables and columns."""
    diff = model_diff(database)
    assert all(d[0] == "remove_index" for d in diff), diff
    found = sorted((d[1].name, d[1].table.name,
                    tuple(c.name for c in d[1].columns)) for d in diff)
    assert found == sorted((i.name, i.table, i.columns)
                           for i in indexes.EXTRA_INDEXES)


def with_extras(snapshot: dict) -> dict:
    """``snapshot`` with our extra indexes added, as the inspector lists
    them."""
    out = {name: dict(table) for name, table in snapshot.items()}
    for index in indexes.EXTRA_INDEXES:
        table = out[index.table]
        table["indexes"] = sorted(table["indexes"] +
                                  [(index.name, index.columns, False)])
    return out


def sync(database, version=None, extra_indexes=True):
    migration.db_sync(version, url=database.url, taskflow_connection=None,
                      extra_indexes=extra_indexes)


def version(database):
    return migration.db_version(url=database.url)


# --- tests -------------------------------------------------------------------

def test_upgrade_from_empty_matches_models(empty_database):
    assert version(empty_database) is None
    sync(empty_database)
    assert version(empty_database) == HEAD
    assert_models_plus_extras(empty_database)
    tables = set(schema_snapshot(empty_database))
    assert tables == {"failover_segments", "hosts", "notifications",
                      "vmoves", VERSION_TABLE}


def test_sync_twice_is_a_noop(empty_database):
    sync(empty_database)
    before = schema_snapshot(empty_database)
    sync(empty_database)
    assert schema_snapshot(empty_database) == before
    assert version(empty_database) == HEAD


def test_step_by_step(empty_database):
    for revision in REVISIONS:
        sync(empty_database, revision)
        assert version(empty_database) == revision
    assert_models_plus_extras(empty_database)


def test_chain_alone_matches_models(empty_database):
    """Without the extra indexes a synced database is upstream's schema
    exactly, as the models describe it."""
    sync(empty_database, extra_indexes=False)
    assert version(empty_database) == HEAD
    assert model_diff(empty_database) == []


def test_legacy_numbers_as_targets(empty_database):
    sync(empty_database, "7")
    assert version(empty_database) == REVISIONS[0]
    sync(empty_database, 8)
    assert version(empty_database) == REVISIONS[1]


@pytest.mark.parametrize("bad", ["5", "99", "deadbeef", "nonsense"])
def test_unknown_target_is_invalid_input(empty_database, bad):
    with pytest.raises(exception.InvalidInput):
        sync(empty_database, bad)
    assert version(empty_database) is None


def test_upstream_head_database_only_gains_the_extra_indexes(
        empty_database):
    build_upstream(empty_database, HEAD)
    before = schema_snapshot(empty_database)
    sync(empty_database)
    assert schema_snapshot(empty_database) == with_extras(before)
    assert version(empty_database) == HEAD
    assert_models_plus_extras(empty_database)


@pytest.mark.parametrize("revision", REVISIONS[:2])
def test_upstream_older_database_upgrades(empty_database, revision):
    build_upstream(empty_database, revision)
    sync(empty_database)
    assert version(empty_database) == HEAD
    assert_models_plus_extras(empty_database)


@pytest.mark.parametrize("extra_indexes", [False, True])
def test_our_schema_equals_upstream_ddl(empty_database, extra_indexes):
    """Our alembic chain produces what the hand-written upstream DDL does;
    a full sync adds exactly the extra indexes to it."""
    sync(empty_database, extra_indexes=extra_indexes)
    ours = schema_snapshot(empty_database)
    other = type(empty_database)(empty_database.backend)
    try:
        build_upstream(other, HEAD)
        theirs = schema_snapshot(other)
    finally:
        other.drop()
    for snap in (ours, theirs):
        snap.pop(VERSION_TABLE)
    assert ours == (with_extras(theirs) if extra_indexes else theirs)


@pytest.mark.parametrize("legacy,stamped", [(7, REVISIONS[0]),
                                            (8, REVISIONS[1])])
def test_legacy_migrate_database_is_stamped(empty_database, legacy,
                                            stamped):
    build_upstream(empty_database, None, legacy_version=legacy)
    if legacy == 8:
        # a version 8 database has the vmoves table already
        engine = empty_database.engine()
        with engine.begin() as conn:
            conn.exec_driver_sql(upstream_ddl(engine.dialect.name,
                                              REVISIONS[1])[-1])
        engine.dispose()
    sync(empty_database)
    assert version(empty_database) == HEAD
    assert_models_plus_extras(empty_database)


@pytest.mark.parametrize("legacy", [1, 6])
def test_legacy_too_old_is_refused(empty_database, legacy):
    build_upstream(empty_database, None, legacy_version=legacy)
    with pytest.raises(exception.InvalidInput) as e:
        sync(empty_database)
    assert "older masakari release" in str(e.value)
    assert version(empty_database) is None


def test_alembic_stamp_wins_over_legacy_table(empty_database):
    build_upstream(empty_database, REVISIONS[0], legacy_version=9)
    sync(empty_database)
    assert version(empty_database) == HEAD


def test_legacy_unknown_version(empty_database, monkeypatch):
    monkeypatch.delenv(migration.FORCE_ENV, raising=False)
    build_upstream(empty_database, None, legacy_version=9)
    engine = empty_database.engine()
    with engine.begin() as conn:
        conn.exec_driver_sql(upstream_ddl(engine.dialect.name,
                                          REVISIONS[1])[-1])
    engine.dispose()
    with pytest.raises(exception.InvalidInput) as e:
        sync(empty_database)
    assert migration.FORCE_ENV in str(e.value)
    assert version(empty_database) is None
    monkeypatch.setenv(migration.FORCE_ENV, "1")
    sync(empty_database)
    assert version(empty_database) == HEAD
    assert_models_plus_extras(empty_database)


def test_taskflow_tables_in_the_same_database(empty_database):
    """Taskflow may share the database; the version tables
    (masakari_alembic_version vs taskflow's alembic_version) never clash."""
    for _ in range(2):
        migration.db_sync(url=empty_database.url,
                          taskflow_connection=empty_database.url)
    tables = set(schema_snapshot(empty_database))
    assert {"logbooks", "flowdetails", "atomdetails", VERSION_TABLE,
            "failover_segments"} <= tables
    assert version(empty_database) == HEAD
    # taskflow's tables have no "deleted" column, so purge leaves them
    engine = empty_database.engine()
    try:
        from masakari.db import purge
        assert purge.purge_deleted_rows(engine, 0, -1) == 0
    finally:
        engine.dispose()


def test_unknown_stamped_revision_is_invalid_input(empty_database):
    """A database from a newer release: a clear error, nothing changed."""
    sync(empty_database)
    engine = empty_database.engine()
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE %s SET version_num = 'ffffffffffff'"
                             % VERSION_TABLE)
    engine.dispose()
    before = schema_snapshot(empty_database)
    with pytest.raises(exception.InvalidInput) as e:
        sync(empty_database)
    assert "ffffffffffff" in str(e.value)
    assert schema_snapshot(empty_database) == before
