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

from masakari.engine.drivers.taskflow import start_order
from masakari.testing import waits


def test_first_slots_go_in_plan_order_whoever_asks_first():
    plan = [f"v{i}" for i in range(6)]
    order = start_order.StartOrder(plan, max_wait=30)
    slots = threading.Semaphore(1)
    got = []

    def evacuate(uuid):
        with order.first_slot(uuid, slots):
            got.append(uuid)

    # Threads start in reverse plan order; with a plain semaphore the
    # last one planned would get the slot first.
    threads = []
    for uuid in reversed(plan):
        thread = threading.Thread(target=evacuate, args=(uuid,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(30)
    assert got == plan


def test_an_evacuation_that_ends_early_gives_up_its_turn():
    order = start_order.StartOrder(["a", "b"], max_wait=30)
    slots = threading.Semaphore(1)
    done = threading.Event()

    def second():
        with order.first_slot("b", slots):
            done.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not done.wait(0.2)  # "a" still has its turn
    order.passed("a")  # "a" ended (e.g. cancelled) without a slot
    assert waits.poll(done.is_set, 10)
    thread.join(10)


def test_the_wait_for_a_turn_is_bounded():
    order = start_order.StartOrder(["a", "b"], max_wait=0.05)
    slots = threading.Semaphore(1)
    with order.first_slot("b", slots):
        pass  # "a" never came: "b" went anyway after max_wait
