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

"""Benchmark masakari-api: one worker, one keep-alive client.

    .venv/bin/python tools/bench/api.py [--requests N] [--hosts 500]
        [--db sqlite|postgresql|mysql] [--keystone] [--rabbit]

Prints requests/s and p50/p99 latency for GET /v1/segments, GET of one
segment's hosts, and POST /v1/notifications (each for a distinct host),
then a concurrent burst of each (several clients) that must not lose a
single request. ``server CPU`` is the API process's CPU time per request,
which stays meaningful on a busy machine where wall-clock figures are
noisy.

Modes: by default noauth2 and the ``fake://`` transport (the cast to the
engine goes nowhere). --keystone puts keystonemiddleware in front,
validating tokens issued by the cloud simulator's identity API (a
process of its own; the client logs in once, before any clock, and
keystonemiddleware caches the validated token after the warm-up's first
request). --rabbit casts to RabbitMQ ($MASAKARI_TEST_TRANSPORT_URL, a
topic of the run's own; no engine consumes it, see intake.py for that).

On the clock: each series of requests, one request after the other (each
latency is one request: send, server work, answer read); a burst from the
first request sent to the last answer read. Not on the clock: starting the
processes, seeding the segments and hosts (straight into the tables), the
100 warm-up GETs before the first series, and the checks afterwards:
every notification answered 202 (series and burst) must be in the
database, read directly; a missing one fails the run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
import threading
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlalchemy as sa  # noqa: E402

import benchenv  # noqa: E402
import seed  # noqa: E402
from recovery_cloud import ProcessCloud  # noqa: E402


def cpu_text(cpu: float | None, count: int) -> str:
    if cpu is None or not count:
        return ''
    return f'   server CPU {cpu * 1000 / count:6.2f} ms/req'


def notification(host: str, minute: int = 0) -> dict:
    return {'notification': {
        'type': 'COMPUTE_HOST', 'hostname': host,
        'generated_time': (datetime.datetime(2026, 1, 1) +
                           datetime.timedelta(minutes=minute)).isoformat(),
        'payload': {'event': 'STOPPED', 'host_status': 'NORMAL'}}}


class Bench:
    """The running API, its client settings and what it accepted."""

    def __init__(self, port: int, cloud, keystone: bool,
                 cpu: benchenv.CpuMeter) -> None:
        self.port = port
        self.cloud = cloud
        self.keystone = keystone
        self.cpu = cpu
        self.accepted: list[str] = []
        self.lock = threading.Lock()

    def client(self) -> benchenv.Client:
        return benchenv.Client(self.port, self.cloud, self.keystone)

    def keep(self, status: int, raw: bytes) -> None:
        if status == 202:
            uuid = json.loads(raw)['notification']['notification_uuid']
            with self.lock:
                self.accepted.append(uuid)

    def series(self, client, name, method, path_body, count, warmup=0):
        samples, failures = [], 0
        expected = {'GET': 200, 'POST': 202}[method]
        for i in range(warmup):  # steady state: caches filled, code warm
            client.call(method, *path_body(i))
        cpu_start = self.cpu()
        start = time.perf_counter()
        for i in range(count):
            elapsed, status, raw = client.call(method, *path_body(i))
            samples.append(elapsed)
            failures += status != expected
            self.keep(status, raw)
        wall = time.perf_counter() - start
        print(f'{name:<34} {benchenv.figures(samples, wall)}   failures '
              f'{failures}{cpu_text(self.cpu.since(cpu_start), count)}',
              flush=True)

    def burst(self, name, method, path_body, count, clients):
        """``count`` requests spread over ``clients`` keep-alive
        connections."""
        statuses: list[int] = []
        expected = {'GET': 200, 'POST': 202}[method]
        chunks = [list(range(count))[i::clients] for i in range(clients)]
        conns = [self.client() for _ in chunks]

        def worker(conn, chunk):
            for i in chunk:
                _, status, raw = conn.call(method, *path_body(i))
                self.keep(status, raw)
                with self.lock:
                    statuses.append(status)
            conn.close()

        threads = [threading.Thread(target=worker, args=(conn, chunk))
                   for conn, chunk in zip(conns, chunks)]
        cpu_start = self.cpu()
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        bad = sum(s != expected for s in statuses)
        print(f'{"%s (%d clients)" % (name, clients):<34} '
              f'{len(statuses) / elapsed:7.1f} req/s   failures {bad}'
              f'{cpu_text(self.cpu.since(cpu_start), len(statuses))}',
              flush=True)


def run(args, tmp: str, cloud) -> None:
    db = benchenv.ScratchDatabase(args.db, tmp)
    transport = benchenv.transport_url() if args.rabbit else None
    dep = benchenv.Deployment(tmp, db.url, transport, cloud,
                              keystone=args.keystone)
    try:
        dep.start_api()
        bench = Bench(dep.api.port, cloud, args.keystone,
                      benchenv.CpuMeter(dep.api.proc.pid))
        client = bench.client()
        posts = args.requests
        hosts = [f'bench-{i:05d}' for i in range(args.hosts + 2 * posts)]
        engine = sa.create_engine(db.url)
        try:
            segs, _ = seed.segments_and_hosts(engine, args.segments, hosts)
        finally:
            engine.dispose()
        seg = {'uuid': segs[0]}
        seg_hosts = sum(1 for i in range(len(hosts))
                        if i % args.segments == 0)
        bench.series(client, 'GET /v1/segments', 'GET',
                     lambda i: ('/v1/segments', None), args.requests,
                     warmup=100)
        bench.series(client, f'GET segment hosts ({seg_hosts})', 'GET',
                     lambda i: (f'/v1/segments/{seg["uuid"]}/hosts?limit='
                                f'{seg_hosts}', None),
                     max(20, args.requests // 20))
        bench.series(client, 'POST /v1/notifications', 'POST',
                     lambda i: ('/v1/notifications',
                                notification(hosts[args.hosts + i])), posts)
        client.close()
        bench.burst('GET /v1/segments', 'GET',
                    lambda i: ('/v1/segments', None), args.requests,
                    args.clients)
        bench.burst('POST burst', 'POST',
                    lambda i: ('/v1/notifications',
                               notification(hosts[args.hosts + posts + i],
                                            minute=600)),
                    posts, args.clients)
        stored = benchenv.count_rows(db.url, bench.accepted)
        print(f'accepted notifications stored: {stored}/'
              f'{len(bench.accepted)}')
        if stored != len(bench.accepted):
            raise SystemExit('accepted notifications are missing')
    finally:
        dep.stop()
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--requests', type=int, default=1000)
    parser.add_argument('--hosts', type=int, default=500)
    parser.add_argument('--segments', type=int, default=10)
    parser.add_argument('--clients', type=int, default=8)
    parser.add_argument('--db', default='sqlite',
                        choices=['sqlite', 'postgresql', 'mysql'])
    parser.add_argument('--keystone', action='store_true',
                        help='keystonemiddleware on the simulator\'s '
                        'identity API instead of noauth2')
    parser.add_argument('--rabbit', action='store_true',
                        help='cast over RabbitMQ instead of fake://')
    args = parser.parse_args()
    if min(args.requests, args.hosts, args.segments, args.clients) < 1:
        parser.error('every count must be >= 1')
    print(f'auth {"keystone" if args.keystone else "noauth2"}, transport '
          f'{"rabbit" if args.rabbit else "fake"}, database {args.db}',
          flush=True)
    with tempfile.TemporaryDirectory(prefix='masakari-bench-') as tmp:
        cloud = (ProcessCloud(types.SimpleNamespace(scale=1.0),
                              {'hosts': []}) if args.keystone else None)
        try:
            run(args, tmp, cloud)
        finally:
            if cloud is not None:
                cloud.stop()


if __name__ == '__main__':
    main()
