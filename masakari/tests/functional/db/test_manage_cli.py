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
"""masakari-manage run as a real process against every available backend."""

import datetime
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from masakari.db import migration

pytestmark = pytest.mark.functional

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))
HEAD = "13adff5efb9a"


def manage(*args, conf=None, env=None, timeout=120):
    argv = [sys.executable, "-m", "masakari.cmd.manage"]
    if conf is not None:
        argv += ["--config-file", str(conf)]
    full_env = dict(os.environ, PYTHONWARNINGS="ignore")
    full_env.update(env or {})
    return subprocess.run(argv + list(args), cwd=TOP, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def write_conf(tmp_path, connection, extra=""):
    path = tmp_path / "masakari.conf"
    path.write_text("[database]\nconnection = %s\n%s" % (connection, extra))
    return path


def no_traceback(result):
    assert "Traceback" not in result.stderr + result.stdout
    return result


def test_no_arguments_prints_categories():
    result = no_traceback(manage())
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert lines[0] == ""
    assert lines[1].startswith("OpenStack masakari version: ")
    assert lines[3].endswith(" category action [<args>]")
    assert lines[4:6] == ["Available categories:", "\tdb"]


@pytest.mark.parametrize("args,code,text", [
    (("foo",), 2, "invalid choice: 'foo'"),
    (("db",), 2, "an action is required"),
    (("db", "bogus"), 2, "invalid choice: 'bogus'"),
    (("db", "purge", "--max_rows", "x"), 2, "invalid int value: 'x'"),
    (("db", "purge", "--max_rows", "0"), 1,
     "Must supply value greater than 0 for max_rows."),
    (("db", "purge", "--max_rows", "-2"), 1,
     "Invalid input received: max_rows must be >= -1"),
    (("db", "purge", "--max_rows", "2147483648"), 1,
     "Invalid input received: max_rows must be <= 2147483647"),
    (("db", "purge", "--age_in_days", "-1"), 1,
     "Must supply a non-negative value for age."),
    (("db", "purge", "--age_in_days", "100000"), 1,
     "Maximal age is count of days since epoch."),
    (("db", "sync", "12"), 1, "Unknown legacy database version 12"),
    (("db", "sync", "nonsense"), 1, "Unknown database version nonsense"),
])
def test_usage_and_validation_errors(tmp_path, args, code, text):
    conf = write_conf(tmp_path, "sqlite:///%s/m.db" % tmp_path)
    result = no_traceback(manage(*args, conf=conf))
    assert result.returncode == code, result.stderr
    assert text in result.stderr


def test_missing_config_file(tmp_path):
    result = no_traceback(manage("db", "version",
                                 conf=tmp_path / "absent.conf"))
    assert result.returncode == 2
    assert "absent.conf" in result.stderr


@pytest.mark.parametrize("connection", [
    "mysql+pymysql://root@127.0.0.1:1/x",
    "postgresql+psycopg2://postgres@127.0.0.1:1/x",
    "sqlite:////nonexistent-dir/sub/x.db",
    "bogus://x",
])
def test_unreachable_database_is_one_line(tmp_path, connection):
    conf = write_conf(tmp_path, connection)
    result = no_traceback(manage("db", "sync", conf=conf))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines()
              if line.startswith("Error: ")]
    assert len(errors) == 1


def test_sync_version_purge(empty_database, tmp_path):
    conf = write_conf(tmp_path, empty_database.url)
    result = no_traceback(manage("db", "version", conf=conf))
    assert (result.returncode, result.stdout) == (0, "None\n")
    assert manage("db", "sync", "8f848eb45d03", conf=conf).returncode == 0
    assert manage("db", "version", conf=conf).stdout == "8f848eb45d03\n"
    assert manage("db", "sync", conf=conf).returncode == 0
    assert manage("db", "sync", conf=conf).returncode == 0
    result = manage("db", "version", conf=conf)
    assert (result.returncode, result.stdout) == (0, HEAD + "\n")

    engine = empty_database.engine()
    old = datetime.datetime(2020, 1, 1)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO failover_segments (created_at, deleted_at, deleted, "
            "uuid, name, service_type, recovery_method, enabled) VALUES "
            "(:t, :t, 1, 'u1', 'n1', 'C', 'auto', :e)"), {"t": old,
                                                          "e": True})
    engine.dispose()
    result = no_traceback(manage("db", "purge", "--age_in_days", "30",
                                 "--max_rows", "10", conf=conf))
    assert result.returncode == 0, result.stderr
    assert "Purged 1 rows." in result.stdout


def test_sync_refuses_old_legacy_database(empty_database, tmp_path):
    engine = empty_database.engine()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE migrate_version (repository_id VARCHAR(250) "
            "NOT NULL PRIMARY KEY, repository_path TEXT, version INTEGER)")
        conn.exec_driver_sql(
            "INSERT INTO migrate_version VALUES ('masakari', '/x', 5)")
    engine.dispose()
    conf = write_conf(tmp_path, empty_database.url)
    result = no_traceback(manage("db", "sync", conf=conf))
    assert result.returncode == 1
    assert "older masakari release" in result.stderr
    assert migration.db_version(url=empty_database.url) is None


def test_sync_also_creates_taskflow_tables(tmp_path):
    taskflow_url = "sqlite:///%s/taskflow.db" % tmp_path
    conf = write_conf(tmp_path, "sqlite:///%s/m.db" % tmp_path,
                      "[taskflow]\nconnection = %s\n" % taskflow_url)
    result = no_traceback(manage("db", "sync", conf=conf))
    assert result.returncode == 0, result.stderr
    engine = sa.create_engine(taskflow_url)
    try:
        assert {"logbooks", "flowdetails", "atomdetails"} <= set(
            sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
