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

"""Benchmark masakari-api: one worker, SQLite, one keep-alive client.

    .venv/bin/python tools/bench/api.py [--requests N] [--hosts 500]

Prints requests/s and p50/p99 latency for GET /v1/segments, GET of one
segment's hosts, and POST /v1/notifications (each for a distinct host),
then a concurrent notification burst (several clients) that must not lose
a single request. Hosts are seeded straight into the database, so no Nova
is needed. ``server CPU`` is the API process's CPU time per request, which
stays meaningful on a busy machine where wall-clock figures are noisy.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                '..', '..')))

from masakari.db import api as db_api  # noqa: E402
from masakari.db import migration  # noqa: E402
from masakari.testing import api_server  # noqa: E402


def seed(url: str, segments: int, hosts: int, extra_hosts: int) -> str:
    db_api.configure(url)
    try:
        first = None
        for i in range(segments):
            seg = db_api.failover_segment_create({
                'name': f'bench-seg-{i}', 'service_type': 'COMPUTE',
                'recovery_method': 'auto'})
            first = first or seg.uuid
        for i in range(hosts + extra_hosts):
            db_api.host_create({'name': f'bench-host-{i}', 'type': 'COMPUTE',
                                'control_attributes': 'SSH',
                                'failover_segment_id': first})
        return first
    finally:
        db_api.dispose()


class CpuMeter:
    """CPU seconds (user + system) the server process used so far."""

    def __init__(self, pid: int | None) -> None:
        self.path = f'/proc/{pid}/stat' if pid else None
        self.ticks = os.sysconf('SC_CLK_TCK')

    def __call__(self) -> float | None:
        if not self.path or not os.path.exists(self.path):
            return None
        with open(self.path) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.ticks


CPU = CpuMeter(None)


def timed(conn: http.client.HTTPConnection, method: str, path: str,
          body: bytes | None = None) -> tuple[float, int]:
    headers = {'Content-Type': 'application/json'} if body else {}
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    resp.read()
    return time.perf_counter() - start, resp.status


def cpu_text(cpu: float | None, count: int) -> str:
    if cpu is None or not count:
        return ''
    return f'   server CPU {cpu * 1000 / count:6.2f} ms/req'


def report(name: str, samples: list[float], failures: int,
           cpu: float | None = None) -> None:
    total = sum(samples)
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f'{name:<34} {len(samples) / total:8.1f} req/s   '
          f'p50 {statistics.median(samples) * 1000:7.2f} ms   '
          f'p99 {p99 * 1000:7.2f} ms   failures {failures}'
          f'{cpu_text(cpu, len(samples))}')


def notification(host: int, minute: int = 0) -> bytes:
    return json.dumps({'notification': {
        'type': 'COMPUTE_HOST', 'hostname': f'bench-host-{host}',
        'generated_time': (datetime.datetime(2026, 1, 1) +
                           datetime.timedelta(minutes=minute)).isoformat(),
        'payload': {'event': 'STOPPED', 'host_status': 'NORMAL'}}}).encode()


def run_series(conn, name, method, path_body, count, warmup=0):
    samples, failures = [], 0
    expected = {'GET': 200, 'POST': 202}[method]
    for i in range(warmup):  # steady state: caches filled, code warm
        timed(conn, method, *path_body(i))
    cpu_start = CPU()
    for i in range(count):
        path, body = path_body(i)
        elapsed, status = timed(conn, method, path, body)
        samples.append(elapsed)
        failures += status != expected
    cpu_end = CPU()
    cpu = None if cpu_start is None or cpu_end is None else \
        cpu_end - cpu_start
    report(name, samples, failures, cpu)


def burst(url: str, name: str, method: str, path_body, count: int,
          clients: int) -> None:
    """``count`` requests spread over ``clients`` keep-alive connections."""
    statuses: list[int] = []
    lock = threading.Lock()
    expected = {'GET': 200, 'POST': 202}[method]
    chunks = [list(range(count))[i::clients] for i in range(clients)]

    def worker(chunk):
        conn = http.client.HTTPConnection(url, timeout=60)
        for i in chunk:
            path, body = path_body(i)
            _, status = timed(conn, method, path, body)
            with lock:
                statuses.append(status)
        conn.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    cpu_start = CPU()
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    cpu_end = CPU()
    cpu = None if cpu_start is None or cpu_end is None else \
        cpu_end - cpu_start
    bad = sum(s != expected for s in statuses)
    print(f'{"%s (%d clients)" % (name, clients):<34} '
          f'{len(statuses) / elapsed:8.1f} req/s   failures {bad}'
          f'{cpu_text(cpu, len(statuses))}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--requests', type=int, default=1000)
    parser.add_argument('--hosts', type=int, default=500)
    parser.add_argument('--segments', type=int, default=10)
    parser.add_argument('--clients', type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='masakari-bench-') as tmp:
        url = f'sqlite:///{tmp}/bench.sqlite'
        migration.db_sync(url=url, taskflow_connection=None)
        posts = args.requests
        seg = seed(url, args.segments, args.hosts, posts + 200)
        server = api_server.ApiServer(tmp, url).start()
        global CPU
        CPU = CpuMeter(server.proc.pid if server.proc else None)
        try:
            conn = http.client.HTTPConnection(f'127.0.0.1:{server.port}',
                                              timeout=60)
            run_series(conn, 'GET /v1/segments', 'GET',
                       lambda i: ('/v1/segments', None), args.requests,
                       warmup=100)
            run_series(conn, f'GET segment hosts ({args.hosts}+)', 'GET',
                       lambda i: (f'/v1/segments/{seg}/hosts?limit='
                                  f'{args.hosts}', None),
                       max(20, args.requests // 20))
            run_series(conn, 'POST /v1/notifications', 'POST',
                       lambda i: ('/v1/notifications', notification(i)),
                       posts)
            conn.close()
            address = f'127.0.0.1:{server.port}'
            burst(address, 'GET /v1/segments', 'GET',
                  lambda i: ('/v1/segments', None), args.requests,
                  args.clients)
            burst(address, 'POST burst', 'POST',
                  lambda i: ('/v1/notifications',
                             notification(i, minute=600)),
                  posts, args.clients)
        finally:
            server.stop()


if __name__ == '__main__':
    main()
