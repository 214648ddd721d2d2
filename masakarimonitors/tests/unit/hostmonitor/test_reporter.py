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

from masakarimonitors.hostmonitor import reporter


def test_delivers_in_order_without_blocking_the_caller():
    release = threading.Event()
    got = []

    def send(note):
        release.wait(5)
        got.append(note)
        return True

    rep = reporter.Reporter(send)
    for i in range(3):
        rep.submit({"n": i})          # returns although send blocks
    assert got == []
    release.set()
    assert rep.flush(5)
    assert got == [{"n": 0}, {"n": 1}, {"n": 2}]
    rep.close(1)


def test_survives_a_failing_sender():
    got = []

    def send(note):
        if note["n"] == 0:
            raise RuntimeError("boom")
        got.append(note)

    rep = reporter.Reporter(send)
    rep.submit({"n": 0})
    rep.submit({"n": 1})
    assert rep.flush(5)
    assert got == [{"n": 1}]
    rep.close(1)


def test_queue_is_bounded_dropping_the_oldest():
    release = threading.Event()
    got = []
    started = threading.Event()

    def send(note):
        started.set()
        release.wait(5)
        got.append(note["n"])

    rep = reporter.Reporter(send, max_queued=2)
    rep.submit({"n": 0})
    assert started.wait(5)            # 0 is being sent
    for i in range(1, 5):
        rep.submit({"n": i})
    release.set()
    assert rep.flush(5)
    assert got == [0, 3, 4]
    rep.close(1)


def test_closed_reporter_refuses_new_work():
    got = []
    rep = reporter.Reporter(got.append)
    rep.close(1)
    rep.submit({"n": 1})
    assert got == []
