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

"""The story one host recovery tells in the engine's INFO log, and the
progress details upstream's dashboards look for."""

import logging
import re

from masakari.tests.unit.engine.test_manager import (  # noqa: F401
    Ctx, cloud, events, make_notification, make_segment, manager)


def _lines(caplog):
    return [r.getMessage() for r in caplog.records
            if r.levelno >= logging.INFO and r.name.startswith("masakari")]


def test_host_recovery_log_tells_the_story(db, manager, cloud, conf,  # noqa: F811
                                           clock, caplog):
    conf.set_override("host", "engine-a")
    _, hosts = make_segment(db)
    sid = cloud.add_server("h1")
    note = make_notification(db, hosts["h1"], created_at=clock.utcnow())
    clock.advance(3)
    uuid = note.notification_uuid
    with caplog.at_level(logging.INFO, logger="masakari"):
        assert manager.process(Ctx(), uuid) == "finished"
    lines = _lines(caplog)
    text = "\n".join(lines)
    # Which engine took the notification.
    assert f"Engine engine-a claimed notification {uuid}" in text
    # Every task begins and ends, with its duration, in order.
    tasks = ("DisableComputeServiceTask", "PrepareHAEnabledInstancesTask",
             "EvacuateInstancesTask")
    marks = []
    for name in tasks:
        begin = lines.index(f"Notification {uuid}: task {name} begins")
        end = next(i for i, line in enumerate(lines) if re.fullmatch(
            rf"Notification {uuid}: task {name} ends after \d+\.\d s", line))
        assert begin < end
        marks += [begin, end]
    assert marks == sorted(marks)
    # The proof the host is off, then each VM moved: instance, from, to.
    assert "Host 'h1' proven powered off by the monitor's evidence" in text
    assert f"Instance {sid} moved from h1 to h2: succeeded" in lines
    # The final status with the time since the notification was received.
    took = re.search(rf"Notification {uuid} ended 'finished' (\d+\.\d) s "
                     "after it was received", text)
    assert took and float(took.group(1)) >= 5.0   # 3 s waiting + 2 s rebuild


def test_prepare_progress_details_match_upstream(db, manager, cloud):  # noqa: F811
    _, hosts = make_segment(db)
    cloud.add_server("h1")
    cloud.add_server("h1", ha=False)
    note = make_notification(db, hosts["h1"])
    manager.process(Ctx(), note.notification_uuid)
    details = manager.get_notification_recovery_workflow_details(
        Ctx(), note.notification_uuid)
    prepare = next(d for d in details
                   if d["name"] == "PrepareHAEnabledInstancesTask")
    messages = [e["message"] for e in prepare["progress_details"]]
    assert messages[:2] == [
        "Preparing instances for evacuation",
        "Total instances running on failed host 'h1' is 2",
    ]
    assert db.api.host_get_by_name("h1").on_maintenance is True
