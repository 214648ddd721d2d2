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

"""Group commit of vmove updates.

The evacuations of one recovery end together: one status poll finds most
of them active, and each instance thread then records its vmove. Fifty
writers queueing for the database's write lock took about a second on
SQLite. Here a thread that finds no write in progress writes everything
queued so far, its own update included, in one transaction, and the
threads that queued meanwhile have their updates written by the next one.
Every caller returns only once its own update is stored, or raises its
own error, exactly as with one transaction per update.
"""

from __future__ import annotations

import threading
from typing import Any


class _Ticket:
    __slots__ = ("done", "error")

    def __init__(self) -> None:
        self.done = False
        self.error: BaseException | None = None


class GroupWriter:
    """``update(uuid, values)`` for many threads, batched per transaction.

    ``db`` provides ``vmove_update`` and, optionally, ``vmove_update_each``
    (several updates in one transaction); without the latter, or when a
    batch fails as a whole, updates are written one by one so that one bad
    update does not fail the others.
    """

    def __init__(self, db: Any) -> None:
        self.db = db
        self._cond = threading.Condition()
        self._queue: list[tuple[str, dict, _Ticket]] = []
        self._writing = False
        self.transactions = 0

    def update(self, uuid: str, values: dict) -> None:
        ticket = _Ticket()
        with self._cond:
            self._queue.append((uuid, dict(values), ticket))
            # Bounded: each pass either writes (then returns) or waits
            # for a write in progress, which marks a batch done.
            while not ticket.done and self._writing:
                self._cond.wait()
            if ticket.done:
                batch = None
            else:
                batch, self._queue = self._queue, []
                self._writing = True
        if batch is not None:
            written = False
            try:
                self._write(batch)
                written = True
            finally:
                with self._cond:
                    self._writing = False
                    for _, _, each in batch:
                        if not written and each.error is None:
                            each.error = RuntimeError(
                                "vmove update interrupted")
                        each.done = True
                    self._cond.notify_all()
        if ticket.error is not None:
            raise ticket.error

    def _write(self, batch: list[tuple[str, dict, _Ticket]]) -> None:
        each = getattr(self.db, "vmove_update_each", None)
        if each is not None and len(batch) > 1:
            try:
                self.transactions += 1
                each([(uuid, values) for uuid, values, _ in batch])
                return
            except Exception:  # noqa: BLE001
                # One at a time, so each caller gets its own outcome.
                pass
        for uuid, values, ticket in batch:
            try:
                self.transactions += 1
                self.db.vmove_update(uuid, values)
            except Exception as err:  # noqa: BLE001
                # Reported to the caller that queued this update.
                ticket.error = err
