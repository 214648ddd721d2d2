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

import logging
import threading

from masakari.engine import background
from masakari.engine import timing
from masakari.testing import clock_fakes


def _loop(clock, steps, stop_after, first_delay=None, fail_at=()):
    def step():
        steps.append(clock.monotonic())
        if len(steps) in fail_at:
            raise RuntimeError("boom")
        if len(steps) >= stop_after:
            loop.stopping.set()
    loop = background.BackgroundLoop("test-loop", step, lambda: 5.0, clock,
                                     first_delay=first_delay)
    return loop


def test_first_step_after_one_interval_then_every_interval():
    clock, steps = clock_fakes.FakeClock(), []
    start = clock.monotonic()
    _loop(clock, steps, 3).run()
    assert steps == [start + 5, start + 10, start + 15]


def test_first_delay_of_zero_runs_at_once():
    clock, steps = clock_fakes.FakeClock(), []
    start = clock.monotonic()
    _loop(clock, steps, 2, first_delay=lambda: 0.0).run()
    assert steps == [start, start + 5]
    assert clock.slept == [5.0]


def test_a_failing_step_is_logged_and_the_loop_goes_on(caplog):
    clock, steps = clock_fakes.FakeClock(), []
    with caplog.at_level(logging.ERROR, logger=background.__name__):
        _loop(clock, steps, 3, fail_at=(1,)).run()
    assert len(steps) == 3
    assert "test-loop: step failed" in caplog.text


def test_stop_wakes_the_sleeping_thread_and_start_runs_once():
    ran = threading.Event()
    loop = background.BackgroundLoop("test-loop", ran.set, lambda: 3600.0,
                                     timing.Clock(),
                                     first_delay=lambda: 0.0)
    loop.start()
    first = loop._thread
    loop.start()
    assert loop._thread is first and loop.running
    assert ran.wait(5)
    loop.stop(timeout=5)
    assert not loop.running and not first.is_alive()


def test_stopped_before_the_first_delay_never_steps():
    clock, steps = clock_fakes.FakeClock(), []
    loop = _loop(clock, steps, 1)
    loop.stopping.set()
    loop.run()
    assert steps == []
