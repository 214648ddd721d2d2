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
"""The extra indexes ``db sync`` adds outside the alembic chain, and the
queries they serve, on every available backend."""

import logging

import pytest
import sqlalchemy as sa

from masakari.db.api import base
from masakari.db.api import notifications as notification_api
from masakari.db import indexes
from masakari.db import listing
from masakari.db import migration
from masakari.db import models
from masakari.tests.unit.db.rows import (make_host, make_notification,
                                         make_segment)

NAMES = {i.name for i in indexes.EXTRA_INDEXES}


def _index_names(database) -> set[str]:
    engine = database.engine()
    try:
        inspector = sa.inspect(engine)
        return {i["name"] for table in inspector.get_table_names()
                for i in inspector.get_indexes(table)}
    finally:
        engine.dispose()


def _sync(database, version=None) -> None:
    migration.db_sync(version, url=database.url, taskflow_connection=None)


def test_sync_logs_each_index_once(empty_database, caplog):
    caplog.set_level(logging.INFO, logger="masakari.db.indexes")
    _sync(empty_database)
    lines = [r.getMessage() for r in caplog.records
             if r.name == "masakari.db.indexes"]
    assert sorted(lines) == sorted(
        "Creating index %s on table %s (%s)"
        % (i.name, i.table, ", ".join(i.columns))
        for i in indexes.EXTRA_INDEXES)
    caplog.clear()
    _sync(empty_database)
    assert not [r for r in caplog.records
                if r.name == "masakari.db.indexes"]
    assert NAMES <= _index_names(empty_database)


def test_create_missing_only_adds_what_is_missing(empty_database):
    _sync(empty_database)
    engine = empty_database.engine()
    try:
        with engine.begin() as conn:
            assert indexes.missing(conn) == []
            assert indexes.create_missing(conn) == []
            dropped = indexes.EXTRA_INDEXES[1]
            dropped.ddl_index(conn.dialect.name).drop(conn)
        with engine.begin() as conn:
            assert indexes.missing(conn) == [dropped]
        _sync(empty_database)
        with engine.begin() as conn:
            assert indexes.missing(conn) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("target", ["7", "8"])
def test_not_created_below_head(empty_database, target):
    _sync(empty_database, target)
    assert not NAMES & _index_names(empty_database)
    _sync(empty_database)
    assert NAMES <= _index_names(empty_database)


def test_no_tables_nothing_missing(empty_database):
    engine = empty_database.engine()
    try:
        with engine.begin() as conn:
            assert indexes.create_missing(conn) == []
    finally:
        engine.dispose()


# --- the queries use them ----------------------------------------------------

def _explain(database, statement, settings=()) -> str:
    engine = database.engine()
    try:
        with engine.begin() as conn:
            dialect = conn.dialect
            sql = str(statement.compile(
                dialect=dialect, compile_kwargs={"literal_binds": True}))
            for setting in settings:
                conn.exec_driver_sql(setting)
            prefix = ("EXPLAIN QUERY PLAN " if dialect.name == "sqlite"
                      else "EXPLAIN ")
            rows = conn.exec_driver_sql(prefix + sql).all()
            return "\n".join(" ".join(str(v) for v in row) for row in rows)
    finally:
        engine.dispose()


def _list_statement(marker=None, **filters):
    model = models.Notification
    order = tuple(listing.resolve_sort(model, None, None))
    statement = base.build_list_statement(model, filters, order, 100)
    if marker is not None:
        statement = statement.where(
            listing.keyset_condition(model, list(order), marker))
    return statement


def _seed(db):
    host = make_host(db, make_segment(db))
    return host, make_notification(db, host)


def test_postgresql_created_at_is_nulls_first(db):
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    engine = db.engine()
    try:
        with engine.connect() as conn:
            definition = conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = "
                "'notifications_created_at_idx'").scalar()
    finally:
        engine.dispose()
    assert "(deleted, created_at NULLS FIRST, id)" in definition


# Planner settings that make PostgreSQL pick an index whenever one can do
# the job (the test tables are tiny); a Sort node would still show when
# no index gives the order.
PG_ONLY_INDEXES = ("SET LOCAL enable_seqscan = off",
                   "SET LOCAL enable_sort = off")


@pytest.mark.parametrize("page", ["first", "marker"])
def test_list_order_is_served_by_the_index(db, page):
    if db.backend == "mysql":
        pytest.skip("MySQL's plan on a tiny table is not telling")
    _, note = _seed(db)
    marker = note if page == "marker" else None
    plan = _explain(db, _list_statement(marker), PG_ONLY_INDEXES
                    if db.backend == "postgresql" else ())
    assert "notifications_created_at_idx" in plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan


def test_postgresql_lookups_use_the_indexes(db):
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    host, note = _seed(db)
    duplicate = notification_api._DUPLICATE_CANDIDATES.params(
        type="COMPUTE_HOST", source_host_uuid=host.uuid,
        since=note.generated_time)
    assert "notifications_source_host_idx" in _explain(
        db, duplicate, PG_ONLY_INDEXES)
    assert "notifications_status_idx" in _explain(
        db, _list_statement(status="new").order_by(None).limit(None),
        PG_ONLY_INDEXES)
    vmoves = sa.select(models.VMove.id).where(
        models.VMove.notification_uuid == note.notification_uuid)
    assert "vmoves_notification_uuid_idx" in _explain(
        db, vmoves, PG_ONLY_INDEXES)
