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

from masakarimonitors.common import dispatch


class BlockingSend:
    def __init__(self):
        self.release = threading.Event()
        self.started = threading.Event()
        self.sent = []

    def __call__(self, notification):
        self.started.set()
        self.release.wait(10)
        self.sent.append(notification)


def test_sends_everything_submitted():
    sent = []
    pool = dispatch.Dispatcher(sent.append, workers=3)
    pool.start()
    try:
        for n in range(20):
            assert pool.submit(n, {"n": n})
        assert pool.wait_idle(10)
    finally:
        pool.stop()
    assert sorted(item["n"] for item in sent) == list(range(20))


def test_coalesces_identical_pending_and_active_events():
    send = BlockingSend()
    pool = dispatch.Dispatcher(send, workers=1)
    pool.start()
    try:
        assert pool.submit("a", {"n": 1})
        assert send.started.wait(10)
        assert not pool.submit("a", {"n": 2})      # being sent
        assert pool.submit("b", {"n": 3})
        assert not pool.submit("b", {"n": 4})      # queued
        send.release.set()
        assert pool.wait_idle(10)
    finally:
        pool.stop()
    assert [item["n"] for item in send.sent] == [1, 3]
    assert pool.coalesced == 2
    assert pool.submit("a", {"n": 5}) is True  # no longer pending


def test_full_queue_drops_without_blocking():
    send = BlockingSend()
    pool = dispatch.Dispatcher(send, workers=1, max_pending=2)
    pool.start()
    try:
        pool.submit(0, {})
        assert send.started.wait(10)
        assert pool.submit(1, {}) and pool.submit(2, {})
        assert pool.submit(3, {}) is False
        assert pool.dropped == 1
        assert pool.pending() == 3
        send.release.set()
        assert pool.wait_idle(10)
    finally:
        pool.stop()


def test_send_errors_do_not_kill_workers():
    calls = []

    def send(notification):
        calls.append(notification)
        if len(calls) == 1:
            raise RuntimeError("boom")

    pool = dispatch.Dispatcher(send, workers=1)
    pool.start()
    try:
        pool.submit(1, {})
        pool.submit(2, {})
        assert pool.wait_idle(10)
    finally:
        pool.stop()
    assert len(calls) == 2


def test_restart_after_stop():
    sent = []
    pool = dispatch.Dispatcher(sent.append)
    pool.start()
    pool.stop()
    pool.start()
    try:
        pool.submit(1, {"n": 1})
        assert pool.wait_idle(10)
    finally:
        pool.stop()
    assert sent == [{"n": 1}]


def test_stop_returns_what_was_never_picked_up():
    send = BlockingSend()
    pool = dispatch.Dispatcher(send, workers=1)
    pool.start()
    pool.submit("a", {"n": 1})
    assert send.started.wait(10)
    pool.submit("b", {"n": 2})
    pool.submit("c", {"n": 3})
    send.release.set()
    left = pool.stop()
    assert [item["n"] for item in left] == [2, 3]
