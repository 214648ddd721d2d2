#!/usr/bin/env python3
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

"""Benchmark masakari-api on a large database, against a small one.

    . .test-services/env
    .venv/bin/python tools/bench/scale.py [--db postgresql]
        [--notifications 1000000] [--hosts 10000] [--segments 100]
        [--base 1000] [--repeat 15] [--skip-purge]

Two beds, each a scratch database (PostgreSQL by default) with one
masakari-api worker (noauth2, ``fake://`` transport) in front: the small
one with ``--base`` notifications and ``--base`` hosts (segments scaled
down alike), the large one with the given sizes. Rows are bulk-loaded
straight into the tables (COPY on PostgreSQL) and ANALYZEd; every stored
notification is ``finished`` and months old, its host taking turns.

For each bed, the median (and p99) latency over ``--repeat`` rounds of:
the first page of notifications, segments and a segment's hosts
(limit 100), a page deep into each listing (by marker), notifications
filtered by status and by host, and POST /v1/notifications, answered
202 (a new report; the duplicate check reads the host's recent reports)
and 409 (a duplicate of the host's latest stored one), each POST for a
host not used before in the bed. Then the ratio large/small of the
medians: within 1.5 is the goal.

Then, on the large bed, ``masakari-manage db purge`` (defaults: 30 days,
no row limit), which deletes all the old notifications, while one client
keeps calling the API (a list, then a POST, in turn): the purge's wall
time (goal < 60 s) and the API's latencies during it (the longest shows
whether the API was locked out).

On the clock: each request (send, server work, answer read), and the
purge command from start to exit. Not on the clock: creating and loading
the databases, starting the API, one warm-up round per bed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlalchemy as sa  # noqa: E402

import benchenv  # noqa: E402
import seed  # noqa: E402

from masakari.testing import api_server  # noqa: E402

GOAL_RATIO = 1.5
GOAL_PURGE = 60.0
STEP = datetime.timedelta(seconds=10)


class Bed:
    """One loaded database and the API in front of it."""

    def __init__(self, args, tmp: str, notifications: int, hosts: int,
                 segments: int) -> None:
        self.size = notifications
        self.db = benchenv.ScratchDatabase(args.db, tmp)
        engine = sa.create_engine(self.db.url)
        try:
            started = time.perf_counter()
            names = [f'bench-{i:06d}' for i in range(hosts)]
            self.segments, self.hosts = seed.segments_and_hosts(
                engine, segments, names)
            self.names = dict(zip(self.hosts, names))
            segment_of = {h: self.segments[i % segments]
                          for i, h in enumerate(self.hosts)}
            seed.notifications(engine, notifications, self.hosts,
                               segment_of, step=STEP)
            seed.analyze(engine)
            with engine.connect() as conn:
                table = sa.table('notifications', sa.column('id'),
                                 sa.column('notification_uuid'))
                uuids = list(conn.execute(
                    sa.select(table.c.notification_uuid)
                    .order_by(table.c.id).limit(5)).scalars())
            self.notification = uuids[0]
            print(f'  loaded {notifications} notifications, {hosts} hosts, '
                  f'{segments} segments in '
                  f'{time.perf_counter() - started:.1f} s', flush=True)
        finally:
            engine.dispose()
        self.last = seed.EPOCH + STEP * (notifications - 1)
        self.dep = benchenv.Deployment(tmp, self.db.url, None)
        self.dep.start_api()
        self.client = benchenv.Client(self.dep.api.port)
        self.next_host = 0

    def host_for_post(self) -> tuple[str, datetime.datetime | None]:
        """A host not posted for yet and the generated time of its latest
        stored notification (None if it has none)."""
        index = self.next_host
        self.next_host += 1
        latest = None
        if index < self.size:
            last = index + len(self.hosts) * (
                (self.size - 1 - index) // len(self.hosts))
            latest = seed.EPOCH + STEP * last
        return self.hosts[index], latest

    def close(self) -> None:
        self.client.close()
        self.dep.stop()
        self.db.close()


def _post_body(name: str, when: datetime.datetime, status: str) -> dict:
    return {'notification': {
        'type': 'COMPUTE_HOST', 'hostname': name,
        'generated_time': when.isoformat(),
        'payload': {'event': 'STOPPED', 'host_status': status,
                    'cluster_status': 'OFFLINE'}}}


def calls(bed: Bed) -> list[tuple[str, int, Callable]]:
    """(name, expected status, request maker) of every measured call."""
    seg = bed.segments[0]
    deep_seg = bed.segments[len(bed.segments) // 2]
    host = bed.hosts[0]

    def marker(path: str, key: str, depth: int = 5) -> str:
        """The marker found ``depth`` pages of 100 into a listing."""
        url = path
        for _ in range(depth):
            rows = bed.client.json('GET', url)[key]
            if len(rows) < 100:
                break
            sep = '&' if '?' in path else '?'
            url = f'{path}{sep}marker={rows[-1]["id"]}'
        return url

    deep_notes = marker('/v1/notifications?limit=100', 'notifications')
    deep_hosts = marker(f'/v1/segments/{seg}/hosts?limit=100', 'hosts')
    deep_segs = marker('/v1/segments?limit=100', 'segments')

    def post(status: str, duplicate: bool):
        def make():
            uuid, latest = bed.host_for_post()
            base = latest or seed.EPOCH
            when = base + datetime.timedelta(seconds=60)
            body = _post_body(bed.names[uuid], when,
                              'NORMAL' if duplicate else 'UNKNOWN')
            return 'POST', '/v1/notifications', body
        return make

    return [
        ('notifications, first page', 200,
         lambda: ('GET', '/v1/notifications?limit=100', None)),
        ('notifications, page 6 (marker)', 200,
         lambda: ('GET', deep_notes, None)),
        ('notifications ?status=finished', 200,
         lambda: ('GET', '/v1/notifications?status=finished&limit=100',
                  None)),
        ('notifications ?source_host_uuid', 200,
         lambda: ('GET', f'/v1/notifications?source_host_uuid={host}'
                  '&limit=100', None)),
        ('one notification', 200,
         lambda: ('GET', f'/v1/notifications/{bed.notification}', None)),
        ('segments, first page', 200,
         lambda: ('GET', '/v1/segments?limit=100', None)),
        ('segments, deep page (marker)', 200,
         lambda: ('GET', deep_segs, None)),
        ('segment hosts, first page', 200,
         lambda: ('GET', f'/v1/segments/{deep_seg}/hosts?limit=100',
                  None)),
        ('segment hosts, page 6 (marker)', 200,
         lambda: ('GET', deep_hosts, None)),
        ('POST new (duplicate check) 202', 202, post('UNKNOWN', False)),
        ('POST duplicate 409', 409, post('NORMAL', True)),
    ]


def measure(bed: Bed, repeat: int) -> dict[str, list[float]]:
    table = calls(bed)
    samples: dict[str, list[float]] = {name: [] for name, _, _ in table}
    for round_no in range(repeat + 1):  # round 0 warms up
        for name, expected, make in table:
            elapsed, status, raw = bed.client.call(*make())
            if status != expected:
                raise SystemExit(f'{name}: {status} {raw[:200]!r}')
            if round_no:
                samples[name].append(elapsed)
    return samples


def purge_under_load(bed: Bed) -> None:
    """Run the purge while one client keeps using the API."""
    config = os.path.join(bed.dep.tmp, 'masakari.conf')
    latencies: list[tuple[float, float]] = []
    stop = threading.Event()

    def load() -> None:
        client = benchenv.Client(bed.dep.api.port)
        when = datetime.datetime(2026, 6, 1)
        try:
            for i in range(1_000_000):
                if stop.is_set():
                    break
                if i % 2:
                    request = ('GET', '/v1/notifications?limit=20', None)
                else:
                    name = bed.names[bed.hosts[i % len(bed.hosts)]]
                    request = ('POST', '/v1/notifications', _post_body(
                        name, when + datetime.timedelta(minutes=i), 'NORMAL'))
                elapsed, status, _ = client.call(*request)
                latencies.append((time.perf_counter(), elapsed))
        finally:
            client.close()

    thread = threading.Thread(target=load)
    thread.start()
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, '-m', 'masakari.cmd.manage', '--config-file',
         config, 'db', 'purge'], cwd=api_server.REPO, capture_output=True,
        text=True, timeout=3600)
    wall = time.perf_counter() - start
    stop.set()
    thread.join(120)
    if result.returncode:
        raise SystemExit(f'purge failed: {result.stderr[-2000:]}')
    during = [e for t, e in latencies if t <= start + wall]
    engine = sa.create_engine(bed.db.url)
    try:
        with engine.connect() as conn:
            left = conn.exec_driver_sql(
                "SELECT count(*) FROM notifications WHERE status = "
                "'finished'").scalar()
    finally:
        engine.dispose()
    verdict = 'ok' if wall < GOAL_PURGE else 'SLOW'
    print(f'purge of {bed.size} old notifications: {wall:6.1f} s '
          f'(goal < {GOAL_PURGE:.0f} s: {verdict}); old rows left {left}')
    if during:
        print(f'  API during the purge: {len(during)} calls, '
              f'p50 {statistics.median(during) * 1000:.1f} ms, '
              f'p99 {benchenv.percentile(during, 0.99) * 1000:.1f} ms, '
              f'max {max(during) * 1000:.1f} ms')
    else:
        print('  API during the purge: no call finished (locked out)')


def report(small: dict, large: dict, base: int, size: int) -> None:
    print(f'{"call":<34} {base:>9} {size:>9}   ratio (median; p99 in ms)')
    for name in small:
        a = statistics.median(small[name])
        b = statistics.median(large[name])
        verdict = 'ok' if b <= GOAL_RATIO * a else 'OVER'
        print(f'{name:<34} {a * 1000:7.2f}ms {b * 1000:7.2f}ms   '
              f'{b / a:5.2f} {verdict:<4}  (p99 '
              f'{benchenv.percentile(small[name], .99) * 1000:.1f} / '
              f'{benchenv.percentile(large[name], .99) * 1000:.1f})')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', default='postgresql',
                        choices=['postgresql', 'mysql', 'sqlite'])
    parser.add_argument('--notifications', type=int, default=1_000_000)
    parser.add_argument('--hosts', type=int, default=10_000)
    parser.add_argument('--segments', type=int, default=100)
    parser.add_argument('--base', type=int, default=1000,
                        help='notifications and hosts of the small bed')
    parser.add_argument('--repeat', type=int, default=15)
    parser.add_argument('--skip-purge', action='store_true')
    args = parser.parse_args(argv)
    if min(args.notifications, args.hosts, args.segments, args.base,
           args.repeat) < 1:
        parser.error('every size must be >= 1')
    if args.hosts < 2 * args.repeat + 2 or args.base < 2 * args.repeat + 2:
        parser.error('--hosts and --base must be > 2 * --repeat + 1 (one '
                     'fresh host per POST)')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    results = []
    small_segments = max(1, args.segments * args.base // args.hosts)
    sizes = [(args.base, args.base, small_segments),
             (args.notifications, args.hosts, args.segments)]
    for notes, hosts, segments in sizes:
        with tempfile.TemporaryDirectory(prefix='masakari-bench-') as tmp:
            print(f'bed: {notes} notifications, {hosts} hosts, {segments} '
                  f'segments ({args.db})', flush=True)
            bed = Bed(args, tmp, notes, hosts, segments)
            try:
                results.append(measure(bed, args.repeat))
                if notes == args.notifications and not args.skip_purge:
                    report(results[0], results[1], args.base,
                           args.notifications)
                    purge_under_load(bed)
                    results.append(None)
            finally:
                bed.close()
    if len(results) == 2:
        report(results[0], results[1], args.base, args.notifications)
    return 0


if __name__ == '__main__':
    sys.exit(main())
