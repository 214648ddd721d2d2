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

"""The recovery timeline: built from a real recovery's records."""

import datetime
import json

from masakari.cmd import timeline
from masakari.tests.fixtures.database import db, db_backend  # noqa: F401
from masakari.tests.unit.engine import fakes
from masakari.tests.unit.engine.conftest import clock  # noqa: F401
from masakari.tests.unit.engine.conftest import conf  # noqa: F401
from masakari.tests.unit.engine.conftest import nova  # noqa: F401
from masakari.tests.unit.engine.test_manager import Ctx
from masakari.tests.unit.engine.test_manager import cloud  # noqa: F401
from masakari.tests.unit.engine.test_manager import events  # noqa: F401
from masakari.tests.unit.engine.test_manager import make_notification
from masakari.tests.unit.engine.test_manager import make_segment
from masakari.tests.unit.engine.test_manager import manager  # noqa: F401

T0 = datetime.datetime(2026, 12, 7, 12, 0, 0)


def at(seconds):
    return T0 + datetime.timedelta(seconds=seconds)


def test_build_orders_and_offsets():
    note = {"notification_uuid": "n1", "type": "COMPUTE_HOST",
            "status": "finished", "generated_time": T0, "created_at": at(1),
            "updated_at": at(9), "message": None}
    details = [
        {"name": "EvacuateInstancesTask", "progress_details": [
            {"timestamp": str(at(4)), "message": "Evacuating"}]},
        {"name": "DisableComputeServiceTask", "progress_details": [
            {"timestamp": str(at(2)), "message": "Disabling"},
            {"timestamp": "not a time", "message": "dropped"}]},
    ]
    vmoves = [{"instance_name": "vm1", "source_host": "h1",
               "dest_host": "h2", "type": "evacuation",
               "status": "succeeded", "start_time": at(5),
               "end_time": at(8)}]
    line = timeline.build(note, "h1", details, vmoves)
    assert [(line.seconds(e), e.kind) for e in line.events] == [
        (0.0, "notification"), (1.0, "notification"), (2.0, "task"),
        (4.0, "task"), (5.0, "vmove"), (8.0, "vmove"),
        (9.0, "notification")]
    text = timeline.render(line)
    assert "vm1 succeeded: h1 -> h2 in 3.0s" in text
    assert "[DisableComputeServiceTask] Disabling" in text
    assert text.splitlines()[-1] == \
        "  total: 9.00s from the failure to the final status"
    data = json.loads(timeline.render(line, "json"))
    assert data["notification"]["status"] == "finished"
    assert data["events"][2] == {"at": "2026-12-07 12:00:02.000000",
                                 "seconds": 2.0, "kind": "task",
                                 "message": "Disabling",
                                 "task": "DisableComputeServiceTask"}


def test_timeline_of_a_real_recovery(manager, cloud, clock, db):  # noqa: F811
    _, hosts = make_segment(db)
    cloud.add_server("h1")
    note = make_notification(db, hosts["h1"], payload=dict(fakes.STOPPED_FENCED),
                             created_at=clock.utcnow())
    assert manager.process(Ctx(), note.notification_uuid) == "finished"
    line = timeline.load(db.api, manager.driver, note.notification_uuid)
    assert line.events[-1].kind == "notification"
    assert line.events[-1].status == "finished"
    tasks = {e.task for e in line.events if e.kind == "task"}
    assert tasks == {"DisableComputeServiceTask",
                     "PrepareHAEnabledInstancesTask",
                     "EvacuateInstancesTask"}
    assert any("proven powered off by the monitor's evidence" in e.message
               for e in line.events)
    assert [e.status for e in line.events if e.kind == "vmove"] == [
        "ongoing", "succeeded"]
    assert line.notification["host"] == "h1"
    assert [e.at for e in line.events] == sorted(e.at for e in line.events)
