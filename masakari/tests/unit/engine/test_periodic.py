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

"""Retries of a failing notification shared by two running engines."""

import contextlib

from masakari.engine import periodic as periodic_mod
from masakari.engine.drivers import taskflow as tf_driver
from masakari.engine.drivers.taskflow import persistence
from masakari.tests.unit.engine import fakes
from masakari.tests.unit.engine.test_manager import (  # noqa: F401
    Ctx, _wait_idle, cloud, make_notification, make_segment, status)


def test_two_engines_with_a_separate_taskflow_db_share_one_retry_count(
        conf, clock, cloud, db, tmp_path):  # noqa: F811
    conf.set_override("notification_max_retries", 2)
    taskflow_url = f"sqlite:///{tmp_path}/taskflow.sqlite"
    conf.set_override("connection", taskflow_url, group="taskflow")
    assert conf.taskflow.connection != conf.database.connection
    _, hosts = make_segment(db)
    cloud.services.pop("h1")           # every recovery attempt fails
    note = make_notification(db, hosts["h1"], created_at=clock.utcnow())
    uuid = note.notification_uuid

    engines = []
    for _ in range(2):
        # No backend_url: the driver uses [taskflow] connection.
        driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=cloud)
        mgr = fakes.make_manager(conf, driver=driver, db=db.api,
                                 clock=clock, emit=lambda *a, **k: None)
        engines.append((mgr, periodic_mod.Periodic(mgr, Ctx)))
    (a, periodic_a), (b, periodic_b) = engines
    try:
        # first attempt, engine A
        assert a.process(Ctx(), uuid) == "error"
        backoff = conf.notification_retry_backoff
        # Retries alternate between the engines; each one sees the count the
        # other one left, and the scan of the engine that did not retry in a
        # round finds nothing due.
        for retries, (doer, idle) in enumerate(
                [(periodic_b, periodic_a), (periodic_a, periodic_b)]):
            clock.advance(backoff * 2 ** retries + 1)
            assert doer.run_once() == [uuid]
            _wait_idle(doer.manager)
            assert idle.run_once() == []
            assert status(db, note) == "error"
            assert (a.driver.get_retry_count(uuid)
                    == b.driver.get_retry_count(uuid) == retries + 1)
        # Retries exhausted: whichever engine scans first ends it.
        clock.advance(backoff * 4 + 1)
        assert periodic_b.run_once() == []
        assert periodic_a.run_once() == []
        row = db.api.notification_get_by_uuid(uuid)
        assert row.status == "failed"
        assert "after 2 retries" in row.message
        # One first attempt + notification_max_retries retries, all recorded
        # in the one logbook of the separate taskflow database.
        details = a.driver.get_notification_recovery_workflow_details(
            Ctx(), uuid)
        assert [d["name"] for d in details] == [
            "DisableComputeServiceTask"] * 3
        with contextlib.closing(persistence.fetch(taskflow_url)) as backend:
            book = backend.get_connection().get_logbook(uuid)
            assert book.meta["masakari_retries"] == 2
            assert len(book) == 3
    finally:
        a.stop(0)
        b.stop(0)
