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

"""Group commit of vmove updates: one transaction for those that queue
while another is written, each caller with its own outcome."""

import threading

import pytest

from masakari.engine.drivers.taskflow import vmove_writer

WAIT = 10


class DB:
    """vmove_update (optionally held) and vmove_update_each, recorded."""

    def __init__(self, each=True, bad=()):
        self.rows = {}
        self.calls = []
        self.bad = set(bad)
        self.hold = threading.Event()
        self.holding = threading.Event()
        self.hold.set()
        if not each:
            self.vmove_update_each = None

    def vmove_update(self, uuid, values):
        self.calls.append(("one", [uuid]))
        self.holding.set()
        assert self.hold.wait(WAIT)
        if uuid in self.bad:
            raise LookupError(uuid)
        self.rows[uuid] = values

    def vmove_update_each(self, updates):
        self.calls.append(("each", [uuid for uuid, _ in updates]))
        if any(uuid in self.bad for uuid, _ in updates):
            raise LookupError("batch")
        for uuid, values in updates:
            self.rows[uuid] = values


def _queued(writer, count):
    for _ in range(WAIT * 100):
        with writer._cond:
            if len(writer._queue) >= count:
                return True
        threading.Event().wait(0.01)
    return False


def _run_concurrently(db, uuids):
    """The first update is held in the database while the others queue."""
    writer = vmove_writer.GroupWriter(db)
    errors = {}

    def update(uuid):
        try:
            writer.update(uuid, {"status": uuid})
        except Exception as err:  # noqa: BLE001 - checked by the test
            errors[uuid] = err

    db.hold.clear()
    first = threading.Thread(target=update, args=(uuids[0],))
    first.start()
    assert db.holding.wait(WAIT)
    others = [threading.Thread(target=update, args=(u,)) for u in uuids[1:]]
    for thread in others:
        thread.start()
    assert _queued(writer, len(others))
    db.hold.set()
    for thread in [first] + others:
        thread.join(WAIT)
        assert not thread.is_alive()
    return writer, errors


def test_updates_queued_during_a_write_share_the_next_transaction():
    db = DB()
    uuids = ["a", "b", "c", "d", "e"]
    writer, errors = _run_concurrently(db, uuids)
    assert errors == {}
    assert db.calls[0] == ("one", ["a"])
    assert [(kind, sorted(batch)) for kind, batch in db.calls[1:]] == [
        ("each", ["b", "c", "d", "e"])]
    assert db.rows == {u: {"status": u} for u in uuids}
    assert writer.transactions == 2


def test_a_bad_update_fails_only_its_caller():
    db = DB(bad={"c"})
    writer, errors = _run_concurrently(db, ["a", "b", "c", "d"])
    assert list(errors) == ["c"] and isinstance(errors["c"], LookupError)
    assert db.rows == {u: {"status": u} for u in ("a", "b", "d")}
    kinds = [kind for kind, _ in db.calls]
    assert kinds == ["one", "each", "one", "one", "one"]


def test_without_batch_support_updates_are_written_one_by_one():
    db = DB(each=False)
    _, errors = _run_concurrently(db, ["a", "b", "c"])
    assert errors == {}
    assert sorted(batch[0] for _, batch in db.calls) == ["a", "b", "c"]
    assert {kind for kind, _ in db.calls} == {"one"}


def test_an_alone_update_is_a_plain_update():
    db = DB()
    vmove_writer.GroupWriter(db).update("a", {"status": "x"})
    assert db.calls == [("one", ["a"])]
    with pytest.raises(LookupError):
        vmove_writer.GroupWriter(DB(bad={"a"})).update("a", {})


def test_an_interrupted_write_fails_the_queued_updates():
    db = DB()

    def interrupted(updates):
        raise KeyboardInterrupt

    db.vmove_update_each = interrupted
    writer = vmove_writer.GroupWriter(db)
    queued = vmove_writer._Ticket()  # another thread's update, waiting
    writer._queue.append(("b", {}, queued))
    with pytest.raises(KeyboardInterrupt):
        writer.update("a", {})
    assert queued.done and isinstance(queued.error, RuntimeError)
    assert not writer._writing
