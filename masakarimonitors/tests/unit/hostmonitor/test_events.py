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

import datetime

import pytest

from masakarimonitors.hostmonitor import events


@pytest.mark.parametrize("event,host_status,cluster_status", [
    ("STARTED", "NORMAL", "ONLINE"),
    ("STOPPED", "NORMAL", "OFFLINE"),
    ("STOPPED", "UNKNOWN", "OFFLINE"),
])
def test_compute_host_notification(event, host_status, cluster_status):
    moment = datetime.datetime(2026, 1, 8, 10, 15, 2, 123456)
    note = events.compute_host("node2", event, host_status,
                               now=lambda: moment)
    assert note == {"type": "COMPUTE_HOST", "hostname": "node2",
                    "generated_time": moment,
                    "payload": {"event": event,
                                "cluster_status": cluster_status,
                                "host_status": host_status}}


def test_generated_time_is_naive_utc():
    before = datetime.datetime.now(datetime.timezone.utc).replace(
        tzinfo=None)
    note = events.compute_host("node2", "STOPPED", "NORMAL")
    assert note["generated_time"].tzinfo is None
    assert abs((note["generated_time"] - before).total_seconds()) < 3600
