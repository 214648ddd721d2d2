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

"""Deadline polls and free ports for masakari's tests and tools."""

from __future__ import annotations

import socket
import time
from typing import Any, Callable


def free_port(kind: int = socket.SOCK_STREAM, host: str = "127.0.0.1") -> int:
    """A port on ``host`` nothing uses right now (TCP, or UDP with
    ``socket.SOCK_DGRAM``)."""
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def poll(predicate: Callable[[], Any], timeout: float,
         interval: float = 0.05,
         clock: Callable[[], float] = time.monotonic,
         sleep: Callable[[float], object] = time.sleep) -> Any:
    """Call ``predicate`` until it returns something true or ``timeout``
    seconds pass; its last value (tried once more at the deadline)."""
    deadline = clock() + timeout
    while clock() < deadline:
        value = predicate()
        if value:
            return value
        sleep(interval)
    return predicate()


def wait_until(predicate: Callable[[], Any], timeout: float,
               what: str = "condition",
               details: Callable[[], str] = lambda: "",
               interval: float = 0.05,
               clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], object] = time.sleep) -> Any:
    """Like :func:`poll`, but a timeout is an AssertionError naming
    ``what``, with ``details()`` (e.g. a log tail) appended."""
    value = poll(predicate, timeout, interval, clock, sleep)
    if not value:
        extra = details()
        raise AssertionError(f"timed out after {timeout}s waiting for {what}"
                             + (f"\n{extra}" if extra else ""))
    return value
