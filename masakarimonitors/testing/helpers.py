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

"""Small helpers shared by the monitors' unit and functional tests."""

import socket
import time
from typing import Callable


def wait_until(predicate: Callable[[], object], timeout: float = 30.0,
               message: str = "condition", interval: float = 0.05,
               error: type[Exception] = AssertionError,
               clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], object] = time.sleep) -> object:
    """Poll ``predicate`` until it is truthy; return that value.

    Raises ``error`` naming ``message`` when ``timeout`` seconds (by
    ``clock``) pass first. ``predicate`` is always tried once more at the
    deadline, so a slow poll cannot miss a late success.
    """
    deadline = clock() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if clock() >= deadline:
            raise error(f"timed out after {timeout}s waiting for {message}")
        sleep(interval)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]
