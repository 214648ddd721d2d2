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

"""Which domains were running, remembered across monitor restarts.

With it, a guest that crashed while the monitor itself was stopped (or
restarting) is reported like one that crashed during a libvirt reconnect.
The file is refreshed periodically; a snapshot older than ``max_age``
seconds is ignored, so guests stopped long ago are never reported.
"""

import json
import os
import threading
import time
from typing import Callable

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


class DomainSnapshot:
    def __init__(self, path: str, max_age: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.max_age = max_age
        self.clock = clock
        self._broken = False

    def load(self) -> dict | None:
        """``{uuid: was_running}`` or None (missing, stale, unreadable)."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
            saved_at = float(data["saved_at"])
            domains = {str(k): bool(v) for k, v in data["domains"].items()}
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError,
                AttributeError) as exc:
            LOG.warning("Ignoring unreadable domain snapshot %s: %s",
                        self.path, exc)
            return None
        age = self.clock() - saved_at
        if age > self.max_age or age < 0:
            LOG.info("Domain snapshot %s is %.0f s old: not used",
                     self.path, age)
            return None
        return domains

    def save(self, domains: dict) -> None:
        if self._broken:
            return
        data = json.dumps({"saved_at": self.clock(),
                           "domains": domains}).encode("utf-8")
        tmp = self.path + ".tmp"
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            with open(tmp, "wb") as handle:
                handle.write(data)
            os.replace(tmp, self.path)
        except OSError as exc:
            LOG.warning("Cannot save domain snapshot %s (%s); guests that "
                        "fail while the monitor is down will not be "
                        "reported", self.path, exc)
            self._broken = True


class SnapshotWriter:
    """Writes the snapshot on its own thread, never on the caller's.

    libvirt's event callbacks run on libvirt's event loop thread and must
    return at once, so they only call :meth:`request`: it marks the
    snapshot out of date and wakes the writer, which reads the current
    domain states from ``source`` and saves them. Requests made while a
    write is in progress are folded into one more write, so the file
    always ends up with the latest states. :meth:`write_now` writes
    synchronously (for threads that may block, such as the connection
    thread right after a reconnect); the two never interleave, so an older
    state cannot overwrite a newer one.
    """

    def __init__(self, snapshot: DomainSnapshot,
                 source: Callable[[], dict],
                 name: str = "domain-snapshot-writer") -> None:
        self.snapshot = snapshot
        self.source = source
        self.name = name
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self._dirty = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the writer thread (no-op when it runs already)."""
        with self._cond:
            if self._thread is not None:
                return
            self._stopping = False
            self._thread = threading.Thread(target=self._run, daemon=True,
                                            name=self.name)
            self._thread.start()

    def request(self) -> None:
        """Ask for a write; returns at once (safe on any thread)."""
        with self._cond:
            self._dirty = True
            self._cond.notify()

    def write_now(self) -> None:
        """Save the current states on the calling thread."""
        with self._cond:
            self._dirty = False
        self._write()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread after writing any pending request."""
        with self._cond:
            thread = self._thread
            self._thread = None
            self._stopping = True
            self._cond.notify()
        if thread is not None:
            thread.join(timeout)
        with self._cond:
            pending = self._dirty and thread is None
        if pending:
            self.write_now()

    def _write(self) -> None:
        with self._write_lock:
            self.snapshot.save(self.source())

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._dirty and not self._stopping:
                    self._cond.wait()
                if not self._dirty:
                    return
                self._dirty = False
            try:
                self._write()
            except Exception:
                LOG.exception("Saving the domain snapshot failed")
