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

"""Row makers for the DB API tests: segments, hosts, notifications."""

import datetime


NOW = datetime.datetime(2026, 11, 22, 4, 0, 0)


def make_segment(db, name="seg", **kw):
    values = {"name": name, "service_type": "COMPUTE",
              "recovery_method": "auto"}
    values.update(kw)
    return db.api.failover_segment_create(values)


def make_host(db, segment, name="host", **kw):
    values = {"name": name, "type": "COMPUTE", "control_attributes": "ssh",
              "failover_segment_id": segment.uuid}
    values.update(kw)
    return db.api.host_create(values)


def make_notification(db, host, when=NOW, payload=None, window=None, **kw):
    values = {"type": "COMPUTE_HOST", "source_host_uuid": host.uuid,
              "generated_time": when,
              "payload": payload or {"event": "STOPPED"}}
    values.update(kw)
    return db.api.notification_create(values, duplicate_window=window)
