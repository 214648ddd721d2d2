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

"""SignalWaiter, run in child processes (handlers need the main thread)."""

import subprocess
import sys

import pytest

SCRIPT = """
import signal, threading
from masakari.common import signals

def send(signum):
    # The kernel may give a signal to any thread; force a non-main one,
    # which is what a main thread asleep on a lock would miss.
    signal.pthread_kill(threading.get_ident(), signum)

signal.signal(signal.SIGUSR1, lambda *_: None)  # not waited for
before = signal.getsignal(signal.SIGTERM)
with signals.SignalWaiter() as waiter:
    print("timeout", waiter.wait(0.05), flush=True)
    threading.Thread(target=send, args=(signal.SIGUSR1,)).start()
    print("other", waiter.wait(0.3), flush=True)
    threading.Thread(target=send, args=(signal.SIG%s,)).start()
    print("got", waiter.wait(), flush=True)
print("restored", signal.getsignal(signal.SIGTERM) is before,
      signal.set_wakeup_fd(-1), flush=True)
"""


def _run(script):
    return subprocess.run([sys.executable, "-c", script],
                          capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("name", ["TERM", "INT"])
def test_signal_taken_by_another_thread_wakes_the_waiter(name):
    result = _run(SCRIPT % name)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    signum = {"TERM": 15, "INT": 2}[name]
    assert lines == ["timeout None", "other None", f"got {signum}",
                     "restored True -1"]
