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

"""A recovery store with hosts and past notifications, and a runner."""

import datetime
import json
import types
import uuid as uuidlib

from masakari.tests.unit.engine import fakes
from masakari.tests.unit.engine import sim as simhelp

NOTIF = "99999999-2222-3333-4444-555555555555"
SEGMENT = "seg-1"


class PolicyStore(fakes.FakeVMoveDB):
    """FakeVMoveDB plus the host and notification reads of the policies."""

    def __init__(self, clock):
        super().__init__()
        self.clock = clock
        self.hosts = {}
        self.notifications = []

    def add_host(self, name, reserved=False, on_maintenance=False):
        self.hosts[name] = types.SimpleNamespace(
            name=name, uuid=f"uuid-{name}", failover_segment_id=SEGMENT,
            reserved=reserved, on_maintenance=on_maintenance)

    def add_notification(self, type_, host, payload, status="finished",
                         age=60, notification_uuid=None):
        row = types.SimpleNamespace(
            notification_uuid=notification_uuid or str(uuidlib.uuid4()),
            type=type_, status=status, payload=json.dumps(payload),
            source_host_uuid=f"uuid-{host}",
            generated_time=self.clock.utcnow()
            - datetime.timedelta(seconds=age))
        self.notifications.append(row)
        return row

    def host_get_by_name(self, name):
        return self.hosts[name]

    def host_get_all_by_filters(self, filters, **kwargs):
        return [h for h in self.hosts.values()
                if all(getattr(h, k) == v for k, v in filters.items())]

    def notification_get_all_by_filters(self, filters, **kwargs):
        since = filters.get("generated_since")
        return [n for n in self.notifications
                if since is None or n.generated_time >= since]

    def vmove_create(self, values):
        values = dict(values)
        # fields FakeVMoveDB sets itself
        fields = ("message", "end_time", "start_time", "dest_host")
        late = {k: values.pop(k) for k in fields if k in values}
        row = super().vmove_create(values)
        for key, value in late.items():
            setattr(self.vmoves[row.uuid], key, value)
            setattr(row, key, value)
        return row

    def vmove_create_many(self, values_list):
        return [self.vmove_create(v) for v in values_list]


class Runner:
    """Runs host and instance recoveries of the taskflow driver on a
    simulated cloud, with a PolicyStore."""

    def __init__(self, conf, cloud):
        conf.set_override("wait_period_after_evacuation", 60)
        self.conf, self.cloud = conf, cloud
        self.driver = simhelp.driver(conf, cloud)
        self.clock = simhelp.SimEngineClock(cloud.clock)
        self.store = PolicyStore(self.clock)

    def runtime(self, notification_uuid=NOTIF):
        return fakes.make_runtime(self.conf, clock=self.clock,
                                  store=self.store,
                                  notification_uuid=notification_uuid)

    def host_failure(self, host="h1", method="auto", reserved=None):
        self.driver.execute_host_failure(
            None, host, method, NOTIF, runtime=self.runtime(), fenced=True,
            reserved_host_list=reserved)

    def instance_failure(self, instance_uuid, host="h1"):
        notif = str(uuidlib.uuid4())
        self.driver.execute_instance_failure(
            None, instance_uuid, notif, host_name=host,
            runtime=self.runtime(notif))

    def vmoves(self):
        return {v.instance_uuid: v for v in self.store.vmoves.values()}


def sid(entry):
    return entry.path.split("/servers/")[1].split("/")[0]


def evacuations(cloud):
    """(server id, requested host) of every evacuate call, in order."""
    return [(sid(e), (e.body.get("evacuate") or {}).get("host"))
            for e in cloud.journal.entries(action="evacuate")]


def actions(cloud):
    return [(e.action, sid(e))
            for e in cloud.journal.entries(kind="compute.server.action")]
