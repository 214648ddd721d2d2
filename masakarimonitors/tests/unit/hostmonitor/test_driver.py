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

import pytest

from masakarimonitors.hostmonitor import driver
from masakarimonitors.tests.unit.hostmonitor import fakes


class FakeNotifier:
    def __init__(self):
        self.sent = []
        self.closed = False

    def send(self, notification):
        self.sent.append(notification)
        return True

    def close(self):
        self.closed = True


def _note():
    return {"type": "COMPUTE_HOST", "hostname": "node2",
            "generated_time": "t", "payload": {"event": "STOPPED"}}


def test_driver_sends_through_the_given_notifier_and_closes_it():
    notifier = FakeNotifier()
    drv = driver.PollingDriver(fakes.make_conf(), notifier=notifier)
    drv.report(_note())
    assert drv.reporter.flush(5)
    assert notifier.sent == [_note()]
    drv.stop()
    assert notifier.closed


def test_driver_without_a_way_to_send_is_refused():
    with pytest.raises(ValueError, match="notifier"):
        driver.PollingDriver(fakes.make_conf())
