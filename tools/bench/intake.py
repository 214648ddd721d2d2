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

"""Benchmark notification intake: POST /v1/notifications, one by one.

    . .test-services/env
    .venv/bin/python tools/bench/intake.py [--db sqlite postgresql]
        [--notifications 200] [--warmup 10] [--keystone] [--no-engine]
        [--py-spy DIR [--spy-on api|engine]] [--repeat N]

The setup: one masakari-api worker and one masakari-engine, both real
processes on RabbitMQ ($MASAKARI_TEST_TRANSPORT_URL), a scratch database
(a SQLite file, or a fresh database on $MASAKARI_TEST_POSTGRESQL_URL), and
the cloud simulator in its own process as Nova (and, with --keystone, as
the Keystone whose tokens keystonemiddleware validates). One segment holds
one host per notification; every host runs one HA-enabled server. One
client on one keep-alive connection sends ``--notifications`` VM
notifications (LIFECYCLE / STOPPED_FAILED), each for a distinct host and
its server, waiting for each answer before sending the next; the engine
drains them (stopping and starting the servers in Nova) meanwhile.

On the clock: the series of POSTs only, from the first request to the last
answer; each latency is one request (send, server work, answer read). Not
on the clock: starting the services, seeding the segment and hosts
through the REST API, and ``--warmup`` POSTs for other hosts first (a
running API has long made its first RabbitMQ connection and filled its
caches; the upstream figures quoted in the issue came from a series
without warm-up, so --warmup 0 reproduces that). The Keystone token is
issued before the clock starts; keystonemiddleware validates it on the
first request (during the warm-up) and caches it.

Afterwards (not on the clock) the script checks that every accepted
(202) notification is in the database, then waits until the engine has
finished all of them and prints how long that took from the first POST.
``API CPU`` is the API process's CPU time per POST during the series: on a
busy machine it moves much less than the wall-clock figures. ``engine
CPU`` is what the engine's processes used during the series (the CPU the
API competed with on the same machine).

``--py-spy DIR`` attaches ``py-spy record`` (from PyPI) to the API
process, waiting threads included (``--spy-on engine``: the engine's
worker, the thread holding the GIL only) during the series and writes a
speedscope profile per run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import types
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchenv  # noqa: E402
from recovery_cloud import ProcessCloud  # noqa: E402

from masakari.testing import waits  # noqa: E402

HA = {'HA_Enabled': 'True'}
PREFIX = 'bench'
DONE = ('finished', 'failed', 'ignored', 'error')


def cloud_spec(hosts: int, server_ids: list[str], scale: float) -> dict:
    names = [f'{PREFIX}-{i:04d}' for i in range(1, hosts + 1)]
    return {
        'hosts': [{'count': hosts, 'prefix': PREFIX}],
        'servers': [{'host': name, 'id': sid, 'metadata': HA}
                    for name, sid in zip(names, server_ids)],
        'scale': scale,
    }


def vm_notification(host: str, server: str) -> dict:
    return {'notification': {
        'type': 'VM', 'hostname': host,
        'generated_time': '2026-01-01T00:00:00',
        'payload': {'event': 'LIFECYCLE', 'instance_uuid': server,
                    'vir_domain_event': 'STOPPED_FAILED'}}}


class Spy:
    """``py-spy record`` attached to a pid until stopped."""

    def __init__(self, pid: int, path: str, idle: bool = True) -> None:
        """``idle``: sample waiting threads too (wall time, where a
        request waits); without, only the thread holding the GIL (where
        the process's Python CPU time goes)."""
        self.log = path + '.log'
        with open(self.log, 'wb') as log:
            self.proc = subprocess.Popen(
                [os.path.join(os.path.dirname(sys.executable), 'py-spy'),
                 'record', '--pid', str(pid), '--rate', '1000', '--format',
                 'speedscope', '--output', path, '--threads']
                + (['--idle'] if idle else ['--gil']),
                stdout=log, stderr=subprocess.STDOUT)
        # Sampling starts once py-spy says so.
        if not waits.poll(self._sampling, 30, interval=0.1):
            self.stop()
            raise SystemExit('py-spy did not attach; see ' + self.log)

    def _sampling(self) -> bool:
        with open(self.log, errors='replace') as f:
            return 'Sampling process' in f.read() or \
                self.proc.poll() is not None

    def stop(self) -> None:
        self.proc.send_signal(2)
        self.proc.wait(60)


def run(args, backend: str, round_no: int) -> None:
    total = args.notifications + args.warmup
    server_ids = [str(uuid.uuid4()) for _ in range(total)]
    with tempfile.TemporaryDirectory(prefix='masakari-bench-') as tmp:
        db = benchenv.ScratchDatabase(
            backend, tmp, separate_taskflow=args.taskflow_db == 'separate')
        cloud = ProcessCloud(types.SimpleNamespace(scale=args.scale),
                             cloud_spec(total, server_ids, args.scale))
        dep = benchenv.Deployment(tmp, db.url, benchenv.transport_url(),
                                  cloud, keystone=args.keystone,
                                  taskflow_url=db.taskflow_url)
        try:
            dep.start_api()
            client = benchenv.Client(dep.api.port, cloud, args.keystone)
            hosts = benchenv.seed_hosts(client, total, prefix=PREFIX)
            if args.engine:
                dep.start_engine()
            measured = list(zip(hosts, server_ids))[args.warmup:]
            for host, sid in list(zip(hosts, server_ids))[:args.warmup]:
                client.json('POST', '/v1/notifications',
                            vm_notification(host, sid), expect=202)
            spy = None
            if args.py_spy:
                os.makedirs(args.py_spy, exist_ok=True)
                target = (benchenv.process_tree(dep.engine.pid)[-1]
                          if args.spy_on == 'engine' and dep.engine
                          else dep.api.proc.pid)
                spy = Spy(target, os.path.join(
                    args.py_spy,
                    f'intake-{args.spy_on}-{backend}-{round_no}.json'),
                    idle=args.spy_on == 'api')
            samples, accepted, failures = [], [], 0
            cpu = benchenv.CpuMeter(dep.api.proc.pid)
            cpu_start = cpu()
            engine_start = (benchenv.tree_cpu(dep.engine.pid)
                            if dep.engine is not None else 0.0)
            start = time.perf_counter()
            for host, sid in measured:
                elapsed, status, raw = client.call(
                    'POST', '/v1/notifications', vm_notification(host, sid))
                samples.append(elapsed)
                if status == 202:
                    accepted.append(benchenv.json.loads(raw)
                                    ['notification']['notification_uuid'])
                else:
                    failures += 1
            wall = time.perf_counter() - start
            used = cpu.since(cpu_start)
            engine_used = (benchenv.tree_cpu(dep.engine.pid) - engine_start
                           if dep.engine is not None else None)
            if spy is not None:
                spy.stop()
            client.close()
            stored = benchenv.count_rows(db.url, accepted)
            print(f'{backend:<10} POST /v1/notifications x{len(samples)} '
                  f'{benchenv.figures(samples, wall)}   '
                  f'rejected {failures}   stored {stored}/{len(accepted)}'
                  + (f'   API CPU {used * 1000 / len(samples):.2f} ms/req'
                     if used is not None else '')
                  + (f'   engine CPU {engine_used:.2f} s'
                     if engine_used is not None else ''), flush=True)
            if stored != len(accepted):
                raise SystemExit('accepted notifications are missing')
            if args.engine:
                drained = drain(db.url, accepted, args.drain_timeout)
                print(f'{"":<10} engine drained all in '
                      f'{time.perf_counter() - start:6.1f} s: {drained}',
                      flush=True)
        finally:
            dep.stop()
            cloud.stop()
            db.close()


def drain(db_url: str, uuids: list[str], timeout: float) -> dict:
    """Wait until every notification reached a final status."""
    counts: dict = {}

    def done() -> bool:
        counts.clear()
        counts.update(benchenv.statuses(db_url, uuids))
        return sum(n for s, n in counts.items() if s in DONE) == len(uuids)

    if not waits.poll(done, timeout, interval=0.5):
        print(f'  not drained after {timeout} s: {counts}')
    return dict(counts)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--db', nargs='+', default=['sqlite', 'postgresql'],
                        choices=['sqlite', 'postgresql', 'mysql'])
    parser.add_argument('--notifications', type=int, default=200)
    parser.add_argument('--warmup', type=int, default=10,
                        help='POSTs (other hosts) before the clock starts')
    parser.add_argument('--keystone', action='store_true',
                        help="keystonemiddleware on the simulator's "
                        'identity API instead of noauth2')
    parser.add_argument('--no-engine', dest='engine', action='store_false',
                        help='no masakari-engine (nothing drains)')
    parser.add_argument('--scale', type=float, default=20.0,
                        help="the simulated Nova's seconds per real second")
    parser.add_argument('--drain-timeout', type=float, default=300.0)
    parser.add_argument('--repeat', type=int, default=1)
    parser.add_argument('--taskflow-db', choices=['same', 'separate'],
                        default='same',
                        help="where the engine's taskflow persistence is "
                        'on SQLite: the main database file (as upstream '
                        'deploys it) or a second file')
    parser.add_argument('--py-spy', metavar='DIR', default=None)
    parser.add_argument('--spy-on', choices=['api', 'engine'], default='api',
                        help="the process --py-spy records (engine: its "
                        'worker)')
    args = parser.parse_args(argv)
    if args.notifications < 1 or args.warmup < 0 or args.repeat < 1:
        parser.error('--notifications >= 1, --warmup >= 0, --repeat >= 1')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    print(f'{args.notifications} VM notifications, distinct hosts, one '
          f'keep-alive client, warm-up {args.warmup}, auth '
          f'{"keystone" if args.keystone else "noauth2"}, engine '
          f'{"draining" if args.engine else "off"}', flush=True)
    for round_no in range(args.repeat):
        for backend in args.db:
            run(args, backend, round_no)
    return 0


if __name__ == '__main__':
    sys.exit(main())
