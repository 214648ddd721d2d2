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

import itertools
import threading

from masakari.ha import casts


class Recorder:
    def __init__(self, gate=None, fail=()):
        self.sent = []
        self.threads = []
        self.gate = gate
        self.fail = set(fail)

    def __call__(self, context, uuid):
        if self.gate is not None:
            assert self.gate.wait(10)
        self.threads.append(threading.current_thread().name)
        if uuid in self.fail:
            raise RuntimeError('broker down')
        self.sent.append((context, uuid))


def test_casts_are_sent_in_order_off_the_caller_thread():
    send = Recorder()
    caster = casts.BackgroundCaster(send)
    for i in range(5):
        caster.submit('ctx', f'n{i}')
    assert caster.flush(10)
    assert send.sent == [('ctx', f'n{i}') for i in range(5)]
    assert set(send.threads) == {'masakari-engine-casts'}
    caster.stop(5)


def test_a_failed_cast_is_logged_and_the_next_ones_still_go(caplog):
    send = Recorder(fail={'n1'})
    caster = casts.BackgroundCaster(send)
    for i in range(3):
        caster.submit(None, f'n{i}')
    assert caster.flush(10)
    assert [uuid for _, uuid in send.sent] == ['n0', 'n2']
    assert 'n1 is stored but could not be sent' in caplog.text
    caster.stop(5)


def test_a_full_queue_sends_on_the_caller_thread():
    gate = threading.Event()
    send = Recorder(gate=gate)
    caster = casts.BackgroundCaster(send, limit=1)
    caster.submit(None, 'n0')  # taken by the sender, which blocks
    assert casts_waiting(caster, 0)
    caster.submit(None, 'n1')  # fills the queue
    done = threading.Event()

    def third():
        caster.submit(None, 'n2')  # no room: sent by this thread
        done.set()

    thread = threading.Thread(target=third, name='caller')
    thread.start()
    gate.set()
    thread.join(10)
    assert done.is_set()
    assert caster.flush(10)
    assert sorted(uuid for _, uuid in send.sent) == ['n0', 'n1', 'n2']
    assert 'caller' in send.threads
    caster.stop(5)


def casts_waiting(caster, count):
    """Until the queue holds ``count`` items (bounded)."""
    from masakari.testing import waits
    return waits.poll(lambda: caster._queue.qsize() == count, 10)


def test_flush_gives_up_at_its_deadline():
    gate = threading.Event()
    ticks = itertools.count(0, 0.5)  # every reading is half a second on
    caster = casts.BackgroundCaster(Recorder(gate=gate),
                                    clock=lambda: next(ticks))
    caster.submit(None, 'n0')
    assert caster.flush(2) is False
    gate.set()
    caster.stop(5)


def test_stop_sends_what_is_queued_then_ends_the_thread():
    send = Recorder()
    caster = casts.BackgroundCaster(send)
    caster.submit(None, 'n0')
    thread = caster._thread
    caster.stop(10)
    assert send.sent == [(None, 'n0')]
    assert not thread.is_alive()


def test_stop_without_any_cast_is_a_no_op():
    casts.BackgroundCaster(Recorder()).stop(1)
