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
"""Concurrent writers: the duplicate check is race-free across threads,
and SQLite does not fail with "database is locked" (processes: see
masakari/tests/functional/db/test_concurrency_processes.py)."""

import concurrent.futures
import datetime
import threading

from masakari import exception

WHEN = datetime.datetime(2026, 11, 22, 4, 0, 0)
WORKERS = 8


def _values(host_uuid):
    return {"type": "COMPUTE_HOST", "source_host_uuid": host_uuid,
            "generated_time": WHEN, "payload": {"event": "STOPPED"}}


def _seed(db):
    seg = db.api.failover_segment_create({"name": "seg", "service_type": "C",
                                          "recovery_method": "auto"})
    return db.api.host_create({"name": "h1", "type": "C",
                               "control_attributes": "x",
                               "failover_segment_id": seg.uuid})


def _outcomes(results):
    created = [r for r in results if r == "created"]
    duplicates = [r for r in results if r == "duplicate"]
    assert len(created) + len(duplicates) == len(results), results
    return len(created), len(duplicates)


def test_duplicate_check_threads(db):
    host = _seed(db)
    barrier = threading.Barrier(WORKERS, timeout=30)

    def attempt(_):
        barrier.wait()
        try:
            db.api.notification_create(
                _values(host.uuid), duplicate_window=180)
            return "created"
        except exception.DuplicateNotification:
            return "duplicate"

    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(attempt, range(WORKERS)))
    assert _outcomes(results) == (1, WORKERS - 1)
    assert len(db.api.notification_get_all_by_filters()) == 1


def test_concurrent_status_writes(db):
    host = _seed(db)
    notes = [db.api.notification_create(dict(
        _values(host.uuid), payload={"n": i})) for i in range(WORKERS)]
    barrier = threading.Barrier(WORKERS, timeout=30)

    def run(note):
        barrier.wait()
        for status in ("running", "error", "running", "finished"):
            db.api.notification_update(note.notification_uuid,
                                       {"status": status})
        return db.api.notification_get_by_uuid(note.notification_uuid).status

    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        assert list(pool.map(run, notes)) == ["finished"] * WORKERS


def test_compare_and_set_has_one_winner(db):
    host = _seed(db)
    note = db.api.notification_create(_values(host.uuid))
    barrier = threading.Barrier(WORKERS, timeout=30)

    def claim(_):
        barrier.wait()
        try:
            db.api.notification_update(note.notification_uuid,
                                       {"status": "running"},
                                       expected_status="new")
            return True
        except exception.NotificationStatusConflict:
            return False

    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        assert sorted(pool.map(claim, range(WORKERS))) == (
            [False] * (WORKERS - 1) + [True])
