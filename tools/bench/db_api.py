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
"""Rough timings of the DB API hot paths.

    .venv/bin/python tools/bench/db_api.py [DB URL] [--notifications N]

Without a URL a temporary SQLite file is used.  The database is migrated
and filled, so point it at a scratch database only.
"""

import argparse
import concurrent.futures
import datetime
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

from masakari.db import api  # noqa: E402
from masakari.db import migration  # noqa: E402
from masakari import exception  # noqa: E402


def timed(label, fn, repeat=1):
    start = time.perf_counter()
    for _ in range(repeat):
        result = fn()
    elapsed = (time.perf_counter() - start) / repeat
    print("%-45s %8.2f ms" % (label, elapsed * 1000))
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--notifications", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50)
    args = parser.parse_args()
    url = args.url or "sqlite:///%s/bench.db" % tempfile.mkdtemp()
    migration.db_sync(url=url, taskflow_connection=None)
    db = api.DBAPI(api.Database(url))
    seg = db.failover_segment_create({"name": "bench-%d" % time.time(),
                                      "service_type": "COMPUTE",
                                      "recovery_method": "auto"})
    hosts = [db.host_create({"name": "bench-%s-%d" % (seg.uuid[:8], i),
                             "type": "COMPUTE", "control_attributes": "x",
                             "failover_segment_id": seg.uuid})
             for i in range(args.hosts)]
    base = datetime.datetime(2026, 1, 1)

    def create(i):
        host = hosts[i % len(hosts)]
        try:
            db.notification_create(
                {"type": "VM", "source_host_uuid": host.uuid,
                 "generated_time": base + datetime.timedelta(seconds=i),
                 "payload": {"n": i % 7}}, duplicate_window=180)
        except exception.DuplicateNotification:
            pass

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(create, range(args.notifications)))
    print("%-45s %8.2f ms" % ("notification_create (8 threads), per call",
                              (time.perf_counter() - start) * 1000
                              / args.notifications))
    timed("host list (joined segment), 1000 rows",
          lambda: db.host_get_all_by_filters(limit=1000), repeat=20)
    page = timed("notification list, first page of 100",
                 lambda: db.notification_get_all_by_filters(limit=100),
                 repeat=20)
    timed("notification list, page after marker",
          lambda: db.notification_get_all_by_filters(
              limit=100, marker=page[-1].id), repeat=20)
    timed("segment under recovery",
          lambda: db.is_failover_segment_under_recovery(seg.uuid),
          repeat=20)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
