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

import threading

import pytest

from masakari.engine import exceptions
from masakari.engine import timing
from masakari.testing import clock_fakes


def test_wait_until_returns_first_result_and_polls_at_interval():
    clock = clock_fakes.FakeClock()
    answers = iter([None, None, "done"])
    assert timing.wait_until(lambda: next(answers), clock=clock, timeout=10,
                             interval=2, what="x") == "done"
    assert clock.slept == [2, 2]


def test_wait_until_times_out_after_the_deadline():
    clock = clock_fakes.FakeClock()
    with pytest.raises(exceptions.WaitTimeout) as err:
        timing.wait_until(lambda: None, clock=clock, timeout=5, interval=2, what="thing")
    assert "5 seconds waiting for thing" in str(err.value)
    assert sum(clock.slept) == 5


def test_wait_until_stops_when_cancelled():
    clock = clock_fakes.FakeClock()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(exceptions.RecoveryCancelled):
        timing.wait_until(lambda: None, clock=clock, timeout=100, interval=1,
                          what="x", cancel=cancel)
    assert clock.slept == []


def test_real_clock_sleep_is_interruptible():
    cancel = threading.Event()
    cancel.set()
    assert timing.Clock().sleep(30, cancel) is True
