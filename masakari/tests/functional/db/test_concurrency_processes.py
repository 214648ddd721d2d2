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
"""The duplicate check is race-free across processes (spawned workers)."""

import concurrent.futures
import multiprocessing

import pytest

from masakari.db import api
from masakari import exception
from masakari.tests.unit.db.test_concurrency import _outcomes
from masakari.tests.unit.db.test_concurrency import _seed
from masakari.tests.unit.db.test_concurrency import _values

pytestmark = pytest.mark.functional


def _process_attempt(url, host_uuid, barrier):
    db = api.DBAPI(api.Database(url))
    try:
        barrier.wait(timeout=60)
        db.notification_create(_values(host_uuid), duplicate_window=180)
        return "created"
    except exception.DuplicateNotification:
        return "duplicate"
    finally:
        db.dispose()


def test_duplicate_check_processes(db):
    host = _seed(db)
    db.close_api()
    ctx = multiprocessing.get_context("spawn")
    workers = 4
    with ctx.Manager() as manager:
        barrier = manager.Barrier(workers)
        with concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=ctx) as pool:
            futures = [pool.submit(_process_attempt, db.url, host.uuid,
                                   barrier) for _ in range(workers)]
            results = [f.result(timeout=120) for f in futures]
    assert _outcomes(results) == (1, workers - 1)
    assert len(db.api.notification_get_all_by_filters()) == 1
