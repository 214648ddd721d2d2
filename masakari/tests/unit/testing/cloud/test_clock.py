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

from masakari.testing.cloud import clock


class FakeMonotonic:
    def __init__(self):
        self.value = 100.0

    def __call__(self):
        return self.value


def test_scaled_clock_runs_scale_times_faster():
    mono = FakeMonotonic()
    c = clock.ScaledClock(scale=50, start=1000.0, monotonic=mono)
    assert c.now() == 1000.0
    mono.value += 2
    assert c.now() == 1100.0


def test_scaled_clock_rejects_non_positive_scale():
    with pytest.raises(ValueError):
        clock.ScaledClock(scale=0)


def test_scaled_clock_close_wakes_sleepers():
    c = clock.ScaledClock(scale=1)
    results = []
    t = threading.Thread(target=lambda: results.append(c.sleep(3600)))
    t.start()
    c.close()
    t.join(5)
    assert results == [False]
    assert c.sleep(10) is False


def test_manual_clock_moves_only_when_advanced():
    c = clock.ManualClock(start=10.0)
    assert c.now() == 10.0
    assert c.advance(5) == 15.0
    c.set(20.0)
    assert c.now() == 20.0
    with pytest.raises(ValueError):
        c.advance(-1)
    with pytest.raises(ValueError):
        c.set(1.0)


def test_manual_clock_sleep_returns_once_advanced_far_enough():
    c = clock.ManualClock(start=0.0)
    done = threading.Event()
    t = threading.Thread(target=lambda: (c.sleep(60), done.set()))
    t.start()
    c.advance(30)
    assert not done.wait(0.05)
    c.advance(30)
    assert done.wait(5)
    t.join(5)


def test_manual_clock_sleep_is_bounded_in_real_time():
    c = clock.ManualClock(start=0.0, max_real_wait=0.01)
    assert c.sleep(10) is False


def test_to_datetime_is_utc():
    assert clock.to_datetime(0).isoformat() == '1970-01-01T00:00:00+00:00'
