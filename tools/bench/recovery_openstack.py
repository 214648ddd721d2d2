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

"""Host recovery on a real Nova: masakari against a bare script.

Needs a running OpenStack test bed (tools/openstack-bed/bed.sh start) and
runs in masakari's virtualenv::

    .venv/bin/python tools/bench/recovery_openstack.py [--servers 20]
        [--rounds 1]

Each round, for each side (the order alternates between rounds):

1. Off the clock: boot ``--servers`` servers (metadata HA_Enabled=True)
   pinned to the bed's first host and wait until all are ACTIVE, then
   ``kill -9`` that host's nova-compute.
2. **On the clock**, from the first request below until the bench's own
   poller (GET /servers/detail every ``--poll`` s, the same for both sides)
   sees every server ACTIVE on another host, with no task state:

   * masakari: POST /v1/notifications (COMPUTE_HOST STOPPED with fencing
     evidence) to masakari-api (Keystone auth, RabbitMQ); masakari-engine
     forces the host down, disables it, lists its servers, evacuates and
     confirms them;
   * bare: one script forces the host down, disables it and sends all the
     evacuations at once from a thread pool (microversion 2.53, as the
     engine, so running servers come back running).

3. Off the clock: restart the compute, re-enable it, delete the servers.

Each line says how many servers landed on which host: Nova's scheduler
decides for both sides (the bed picks at random between the two
best-weighed hosts), and 20 rebuilds on one host take longer than 10 on
each of two.

Warm-up, the same on both sides: the engine logs in to Keystone, finds
Nova's endpoint and makes one Nova call when it starts, before any round;
the bare script logs in and makes one Nova call before its first round.
Before round 1, an uncounted bare recovery of ``--nova-warmup`` servers
lets Nova pay for its own first evacuation.  The notification's own
``finished`` time and the engine's CPU time are printed too but are not
the figures compared.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchenv  # noqa: E402

from masakari.testing import openstack_bed as ob  # noqa: E402

FENCED = {'confirmed': True, 'source': 'stonith-history'}
BOOT_TIMEOUT = 600.0
RUN_TIMEOUT = 600.0


def wait_recovered(nova: ob.Nova, ids: list[str], failed: str,
                   interval: float) -> dict[str, int]:
    """Wait until every server is ACTIVE on another host; how many
    landed on each host (Nova's scheduler decides: one target rebuilds
    them all, two share the work, which moves the figures)."""
    def done(server: dict) -> bool:
        return ob.is_active(server) and ob.host_of(server) != failed
    servers = nova.wait_servers(ids, done, RUN_TIMEOUT, 'recovery',
                                interval)
    return dict(collections.Counter(
        ob.host_of(s) for s in servers.values()))


class Bare:
    """Force down, disable, evacuate everything at once."""

    def __init__(self, nova: ob.Nova, workers: int) -> None:
        self.nova = nova
        self.pool = concurrent.futures.ThreadPoolExecutor(workers)

    def warm_up(self) -> None:
        self.nova.service(self.nova.bed.hosts[0])

    def recover(self, host: str, ids: list[str]) -> None:
        service_id = self.nova.service(host)['id']
        self.nova.call('PUT', f'/os-services/{service_id}',
                       {'forced_down': True})
        self.nova.call('PUT', f'/os-services/{service_id}',
                       {'status': 'disabled'})
        futures = [self.pool.submit(
            self.nova.call, 'POST', f'/servers/{server_id}/action',
            {'evacuate': {}}) for server_id in ids]
        for future in futures:
            future.result()


class Masakari:
    """masakari-api + masakari-engine on the bed, one segment of its
    hosts."""

    def __init__(self, bed: ob.Bed, tmp: str,
                 engine_options: Sequence[str] = ()) -> None:
        """``engine_options``: ``NAME=VALUE`` [DEFAULT] options of the
        configuration file the API and the engine share."""
        cloud = types.SimpleNamespace(region=bed.region, credentials={
            'auth_url': bed.auth_url, 'username': 'masakari',
            'password': bed.password, 'project_name': 'service',
            'user_domain_name': 'Default',
            'project_domain_name': 'Default'})
        self.db = benchenv.ScratchDatabase('sqlite', tmp)
        self.dep = benchenv.Deployment(
            tmp, self.db.url, bed.env['MASAKARI_BED_TRANSPORT_URL'], cloud,
            keystone=True)
        # Every round reports the same host failing again within minutes,
        # which the API would reject as a duplicate (409).
        self.dep.extra['DEFAULT'][
            'duplicate_notification_detection_interval'] = '0'
        for option in engine_options:
            name, _, value = option.partition('=')
            self.dep.extra['DEFAULT'][name] = value
        try:
            self.dep.start_api()
            self.client = benchenv.Client(self.dep.api.port, cloud,
                                          keystone=True)
            self._seed(bed)
            self.dep.start_engine()
        except BaseException:
            self.dep.stop()
            self.db.close()
            raise
        self.last: str | None = None

    def _seed(self, bed: ob.Bed) -> None:
        self.segment = self.client.json('POST', '/v1/segments', {'segment': {
            'name': 'bench', 'service_type': 'COMPUTE',
            'recovery_method': 'auto'}}, expect=201)['segment']['uuid']
        self.hosts = {}
        for name in bed.hosts:
            self.hosts[name] = self.client.json(
                'POST', f'/v1/segments/{self.segment}/hosts', {'host': {
                    'name': name, 'type': 'COMPUTE',
                    'control_attributes': 'SSH'}},
                expect=201)['host']['uuid']

    def engine_cpu(self) -> float:
        """CPU seconds the engine's processes (its service manager and
        worker) used so far."""
        return benchenv.tree_cpu(self.dep.engine.pid)

    def recover(self, host: str, ids: list[str]) -> None:
        self.cpu_at_start = self.engine_cpu()
        self.last = self.client.json('POST', '/v1/notifications', {
            'notification': {
                'type': 'COMPUTE_HOST', 'hostname': host,
                'generated_time': time.strftime('%Y-%m-%dT%H:%M:%S',
                                                time.gmtime()),
                'payload': {'event': 'STOPPED', 'host_status': 'NORMAL',
                            'cluster_status': 'OFFLINE',
                            'fencing': FENCED}}},
            expect=202)['notification']['notification_uuid']

    def finished_after(self, start: float) -> float | None:
        def status() -> str | None:
            note = self.client.json('GET', f'/v1/notifications/{self.last}')
            state = note['notification']['status']
            return state if state in ('finished', 'failed', 'error') else None
        state = ob.poll(status, RUN_TIMEOUT, 'notification ended', 0.2)
        if state != 'finished':
            print(f'  warning: notification ended {state}')
        self.cpu_used = self.engine_cpu() - self.cpu_at_start
        return time.monotonic() - start

    def reset(self, host: str) -> None:
        self.client.json('PUT', f'/v1/segments/{self.segment}/hosts/'
                                f'{self.hosts[host]}',
                         {'host': {'on_maintenance': False}})

    def stop(self) -> None:
        self.client.close()
        self.dep.stop()
        self.db.close()


def one_round(nova: ob.Nova, side, count: int, interval: float
              ) -> tuple[float, float | None, dict[str, int], str]:
    host = nova.bed.hosts[0]
    ids = nova.boot(host, count, metadata=ob.HA, prefix='bench')
    try:
        nova.wait_servers(ids, ob.is_active, BOOT_TIMEOUT, 'boot')
        nova.bed.kill_compute(host)
        start = time.monotonic()
        started_at = datetime.datetime.now().strftime('%H:%M:%S.%f')[:-3]
        side.recover(host, ids)
        landed = wait_recovered(nova, ids, host, interval)
        elapsed = time.monotonic() - start
        finished = (side.finished_after(start)
                    if isinstance(side, Masakari) else None)
        return elapsed, finished, landed, started_at
    finally:
        # The host first: a delete sent while its dead compute still
        # looks up would wait for that compute for ever.
        nova.restore_host(host)
        nova.delete_servers(ids, timeout=BOOT_TIMEOUT)
        if isinstance(side, Masakari):
            side.reset(host)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--servers', type=int, default=20)
    parser.add_argument('--rounds', type=int, default=1)
    parser.add_argument('--poll', type=float, default=0.5)
    parser.add_argument('--bare-workers', type=int, default=20)
    parser.add_argument(
        '--engine-threads', type=int, default=None,
        help='[DEFAULT] host_failure_recovery_threads of the engine '
             '(default: the option\'s default, 16)')
    parser.add_argument(
        '--engine-option', action='append', default=[], metavar='NAME=VALUE',
        help='a [DEFAULT] option for masakari (repeatable)')
    parser.add_argument(
        '--nova-warmup', type=int, default=2, metavar='SERVERS',
        help='an uncounted bare recovery of this many servers first '
             '(0: none)')
    parser.add_argument(
        '--engine-log', default=None,
        help='copy the engine\'s log (debug off) here at the end')
    args = parser.parse_args()
    bed = ob.Bed.load()
    nova = ob.Nova(bed, bed.token('admin', 'admin'))
    tmp = tempfile.TemporaryDirectory(prefix='masakari-bench-')
    options = list(args.engine_option)
    if args.engine_threads is not None:
        options.append(f'host_failure_recovery_threads={args.engine_threads}')
    ours = Masakari(bed, tmp.name, options)
    bare = Bare(ob.Nova(bed, bed.token('masakari', 'service')),
                args.bare_workers)
    bare.warm_up()
    times: dict[str, list[float]] = {'masakari': [], 'bare': []}
    try:
        if args.nova_warmup:
            # Nova's first evacuation on a fresh bed pays for its own lazy
            # start-up (conductor, scheduler, the computes' first rebuild);
            # whichever side went first would carry it.
            one_round(nova, bare, args.nova_warmup, args.poll)
            print(f'Nova warmed up: {args.nova_warmup} servers evacuated '
                  f'by the bare script, not counted', flush=True)
        for n in range(args.rounds):
            order = [('masakari', ours), ('bare', bare)]
            if n % 2:
                order.reverse()
            for name, side in order:
                elapsed, finished, landed, started_at = one_round(
                    nova, side, args.servers, args.poll)
                times[name].append(elapsed)
                extra = (f'  (notification finished after {finished:.2f} s,'
                         f' engine CPU {side.cpu_used:.2f} s)'
                         if finished is not None else '')
                spread = ', '.join(f'{h} {c}' for h, c in sorted(
                    landed.items()))
                print(f'round {n + 1} {name:8s}: started {started_at}, '
                      f'all {args.servers} ACTIVE '
                      f'elsewhere after {elapsed:6.2f} s ({spread}){extra}',
                      flush=True)
    finally:
        ours.stop()
        if args.engine_log:
            shutil.copyfile(ours.dep.engine_log, args.engine_log)
        tmp.cleanup()
    ours_median = statistics.median(times['masakari'])
    bare_median = statistics.median(times['bare'])
    print(f'masakari {ours_median:.2f} s, bare {bare_median:.2f} s '
          f'(medians of {args.rounds}), ratio '
          f'{ours_median / bare_median:.2f}')


if __name__ == '__main__':
    main()
