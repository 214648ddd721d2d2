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

"""A reserved-host recovery resumed after its engine died keeps the
reserved host it had taken (and no longer marked reserved)."""

import datetime

import pytest

from masakari.compute import exceptions as cexc
from masakari.db import api as db_api
from masakari.engine.drivers import taskflow as tf_driver
from masakari.tests.fixtures.database import db, db_backend  # noqa: F401
from masakari.tests.unit.engine import fakes


class Ctx:
    global_id = None

    def to_dict(self):
        return {}


@pytest.fixture
def api(db):  # noqa: F811
    # the DB API object of the database fixture, or the module
    return getattr(db, "api", db_api)


@pytest.fixture
def manager(conf, clock, nova, api):
    for name in ("h1", "h2", "r1"):
        nova.add_host(name)
    driver = tf_driver.TaskFlowDriver(conf=conf, nova_api=nova,
                                      backend_url="memory://")
    mgr = fakes.make_manager(conf, driver=driver, db=api, clock=clock,
                             emit=lambda *args, **kwargs: None)
    yield mgr
    mgr.stop(0)


def reserved_segment(api):
    segment = api.failover_segment_create({
        "name": "seg", "service_type": "COMPUTE",
        "recovery_method": "reserved_host"})
    return {name: api.host_create({
        "name": name, "type": "COMPUTE", "control_attributes": "SSH",
        "failover_segment_id": segment.uuid, "reserved": name == "r1",
        "on_maintenance": False}) for name in ("h1", "h2", "r1")}


def host_failure(api, host, status="new"):
    return api.notification_create({
        "type": "COMPUTE_HOST", "source_host_uuid": host.uuid,
        "status": status, "generated_time": datetime.datetime(2026, 1, 1),
        "payload": dict(fakes.STOPPED_FENCED)})


def test_evacuation_records_the_reserved_host_when_it_starts(
        api, manager, nova):
    hosts = reserved_segment(api)
    sid = nova.add_server("h1")
    nova.fail("evacuate", sid, cexc.ComputeConflict(
        method="POST", url=sid, reason="HTTP 409: busy"))
    note = host_failure(api, hosts["h1"])
    assert manager.process(Ctx(), note.notification_uuid) == "error"
    [vmove] = api.vmove_get_all_by_filters(
        filters={"notification_uuid": note.notification_uuid})
    assert vmove.status == "failed"
    assert vmove.dest_host == "r1"


def test_resumed_recovery_uses_the_reserved_host_it_took(
        api, manager, nova, clock, conf):
    hosts = reserved_segment(api)
    sid = nova.add_server("h1")
    # What a dead engine left: the reserved host taken (no longer marked
    # reserved), the evacuation recorded as started onto it, the
    # notification running with an expired lease.
    api.host_update(hosts["r1"].uuid, {"reserved": False})
    note = host_failure(api, hosts["h1"], status="running")
    api.notification_update(note.notification_uuid, {
        "updated_at": clock.utcnow() - datetime.timedelta(
            seconds=conf.notification_lease_period + 5)})
    api.vmove_create({
        "notification_uuid": note.notification_uuid, "instance_uuid": sid,
        "instance_name": "vm", "source_host": "h1", "dest_host": "r1",
        "type": "evacuation", "status": "ongoing"})
    assert manager.process(Ctx(), note.notification_uuid) == "finished"
    assert nova.servers[sid][fakes.HOST] == "r1"
    assert [c for c in nova.journal if c[0] == "evacuate"] == [
        ("evacuate", sid, "r1")]
