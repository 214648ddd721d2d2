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

"""A small durable spool of notifications not yet delivered.

One JSON file per notification in a private directory, written atomically
(temporary file, fsync, rename, directory fsync) before the first send and
removed once the API accepted or finally rejected it. File names sort in
creation order, so replay after a restart keeps the original order. The
spool is bounded: when full, the oldest entry is dropped and logged.
"""

import json
import os
import threading
import time
import uuid

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

_SUFFIX = ".json"


class Spool:
    """Directory-backed FIFO of notification dicts."""

    def __init__(self, path: str, max_entries: int = 1000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.path = path
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._claimed: set = set()
        os.makedirs(path, mode=0o700, exist_ok=True)
        self._remove_stale_temporaries()

    def put(self, notification: dict) -> str:
        """Store ``notification`` durably and return its entry id."""
        entry = f"{time.time_ns():020d}-{uuid.uuid4().hex}"
        data = json.dumps(notification, sort_keys=True).encode("utf-8")
        tmp = os.path.join(self.path, "." + entry + ".tmp")
        with self._lock:
            self._make_room()
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.rename(tmp, self._file(entry))
            self._sync_dir()
            self._claimed.add(entry)
        return entry

    def claim(self, entry: str) -> bool:
        """Mark ``entry`` as being sent; False if someone else sends it.

        ``put`` returns an entry already claimed by the caller.
        """
        with self._lock:
            if entry in self._claimed:
                return False
            self._claimed.add(entry)
            return True

    def release(self, entry: str) -> None:
        """Give a claimed entry back for a later replay."""
        with self._lock:
            self._claimed.discard(entry)

    def remove(self, entry: str) -> None:
        """Forget ``entry`` (delivered or finally rejected)."""
        with self._lock:
            self._claimed.discard(entry)
            try:
                os.unlink(self._file(entry))
            except FileNotFoundError:
                return
            self._sync_dir()

    def entries(self) -> list:
        """Entry ids in creation order."""
        try:
            names = os.listdir(self.path)
        except FileNotFoundError:
            return []
        return sorted(n[:-len(_SUFFIX)] for n in names
                      if n.endswith(_SUFFIX) and not n.startswith("."))

    def load(self, entry: str) -> dict | None:
        """Return the stored notification, or None if gone or unreadable."""
        try:
            with open(self._file(entry), "rb") as handle:
                value = json.loads(handle.read().decode("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            LOG.error("Dropping unreadable spool entry %s: %s", entry, exc)
            self.remove(entry)
            return None
        if not isinstance(value, dict):
            LOG.error("Dropping malformed spool entry %s", entry)
            self.remove(entry)
            return None
        return value

    def __len__(self) -> int:
        return len(self.entries())

    def _file(self, entry: str) -> str:
        return os.path.join(self.path, entry + _SUFFIX)

    def _make_room(self) -> None:
        existing = self.entries()
        overflow = len(existing) - self.max_entries + 1
        for entry in existing[:max(overflow, 0)]:
            LOG.error("Notification spool %s is full (%d entries): dropping "
                      "the oldest entry %s", self.path, self.max_entries,
                      entry)
            try:
                os.unlink(self._file(entry))
            except FileNotFoundError:
                pass

    def _remove_stale_temporaries(self) -> None:
        for name in os.listdir(self.path):
            if name.startswith(".") and name.endswith(".tmp"):
                try:
                    os.unlink(os.path.join(self.path, name))
                except FileNotFoundError:
                    pass

    def _sync_dir(self) -> None:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
