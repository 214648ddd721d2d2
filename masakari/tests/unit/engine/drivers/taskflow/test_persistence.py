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

import contextlib
import threading

import sqlalchemy as sa

from taskflow.persistence import models as tf_models
from taskflow.persistence.backends import impl_memory

from masakari.engine.drivers.taskflow import persistence


def test_sql_backend_shares_one_connection_and_persists(tmp_path):
    url = f"sqlite:///{tmp_path}/tf.sqlite"
    backend = persistence.fetch(url)
    try:
        assert isinstance(backend, persistence.SharedConnectionBackend)
        conn = backend.get_connection()
        assert backend.get_connection() is conn
        conn.upgrade()
        conn.save_logbook(tf_models.LogBook("book", uuid="b1"))
        with backend.engine.connect() as raw:
            pragmas = [raw.exec_driver_sql(f"PRAGMA {name}").scalar()
                       for name in ("journal_mode", "synchronous")]
        assert pragmas == ["wal", 1]  # 1 = NORMAL
    finally:
        backend.close()
    # A new backend on the same file sees what the first one wrote.
    with contextlib.closing(persistence.fetch(url)) as again:
        assert again.get_connection().get_logbook("b1").name == "book"


def test_sqlite_file_connections_are_pooled_without_checkin_yield(tmp_path):
    url = f"sqlite:///{tmp_path}/tf.sqlite"
    with contextlib.closing(persistence.fetch(url)) as backend:
        engine = backend.engine
        assert isinstance(engine.pool, sa.pool.QueuePool)
        assert not any(getattr(f, "__name__", "") == "_thread_yield"
                       for f in engine.pool.dispatch.checkin)
        conn = backend.get_connection()
        conn.upgrade()
        # Used from several threads, one connection stays open between
        # storage calls instead of one being opened per call.
        errors = []

        def save(n):
            try:
                conn.save_logbook(tf_models.LogBook(f"b{n}", uuid=f"u{n}"))
            except Exception as err:  # noqa: BLE001
                errors.append(err)
        threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert errors == []
        assert engine.pool.checkedin() >= 1
        assert {b.uuid for b in conn.get_logbooks()} >= {
            f"u{n}" for n in range(8)}
    # Memory databases keep taskflow's own (single-connection) pool.
    with contextlib.closing(persistence.fetch("sqlite://")) as memory:
        assert isinstance(memory.engine.pool, sa.pool.StaticPool)


def test_other_backends_come_from_taskflow():
    backend = persistence.fetch("memory://")
    assert isinstance(backend, impl_memory.MemoryBackend)


def test_warm_up_runs_a_flow_and_leaves_nothing_behind(tmp_path, conf):
    from masakari.engine.drivers import taskflow as tf_driver

    class Nova:
        warmed = False

        def warm_up(self):
            Nova.warmed = True

    url = f"sqlite:///{tmp_path}/tf.sqlite"
    driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=Nova(), backend_url=url)
    try:
        driver.warm_up()
        assert Nova.warmed
        with driver.backend.engine.connect() as raw:
            counts = [raw.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar()
                      for table in ("logbooks", "flowdetails", "atomdetails")]
        assert counts == [0, 0, 0]
    finally:
        driver.backend.close()


def test_warm_up_on_a_memory_backend(conf):
    from masakari.engine.drivers import taskflow as tf_driver

    driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=object(), backend_url="memory://")
    driver.warm_up()   # no Nova warm-up to call
    assert list(driver.backend.get_connection().get_logbooks()) == []
