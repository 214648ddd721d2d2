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

"""Waiting in the main thread for a stop signal, reliably.

Python runs signal handlers only in the main thread, between bytecodes.
When the kernel delivers a signal to another thread of the process, a main
thread asleep in ``threading.Event.wait()`` is not interrupted, so a
handler that sets that event runs only once something else wakes the main
thread (an hour later for ``wait(3600)``). Waiting in ``poll()`` on a pipe
installed as the signal wakeup fd does not have that gap: the C-level
handler writes the signal number into the pipe from whichever thread took
the signal.
"""

from __future__ import annotations

import os
import select
import signal
import time
from typing import Callable, Iterable

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class SignalWaiter:
    """Context manager: ``wait()`` returns the first signal received.

    Usable only from the main thread (signal handlers can be installed
    nowhere else). The previous handlers and wakeup fd come back on exit.
    """

    def __init__(self, signums: Iterable[int] = STOP_SIGNALS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.signums = tuple(signums)
        self.clock = clock
        self._read_fd = self._write_fd = -1
        self._saved: dict[int, object] = {}
        self._saved_wakeup_fd: int | None = None

    def __enter__(self) -> SignalWaiter:
        self._read_fd, self._write_fd = os.pipe()
        for fd in (self._read_fd, self._write_fd):
            os.set_blocking(fd, False)
        self._saved_wakeup_fd = signal.set_wakeup_fd(
            self._write_fd, warn_on_full_buffer=False)
        for signum in self.signums:
            # A Python handler must exist so that the default action
            # (terminate) does not run; the pipe says which signal came.
            self._saved[signum] = signal.signal(signum, _ignore)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)
        self._saved.clear()
        if self._saved_wakeup_fd is not None:
            signal.set_wakeup_fd(self._saved_wakeup_fd)
            self._saved_wakeup_fd = None
        for fd in (self._read_fd, self._write_fd):
            if fd >= 0:
                os.close(fd)
        self._read_fd = self._write_fd = -1

    def wait(self, timeout: float | None = None) -> int | None:
        """The next of ``signums`` to arrive, or None after ``timeout``."""
        deadline = None if timeout is None else self.clock() + timeout
        poller = select.poll()
        poller.register(self._read_fd, select.POLLIN)
        while True:
            if deadline is None:
                poller.poll()
            else:
                remaining = deadline - self.clock()
                if remaining <= 0:
                    return None
                poller.poll(remaining * 1000.0)
            try:
                data = os.read(self._read_fd, 4096)
            except BlockingIOError:
                continue
            for signum in data:
                if signum in self.signums:
                    return signum


def _ignore(signum: int, frame: object) -> None:
    """Handler placeholder; the wakeup fd carries the signal."""
