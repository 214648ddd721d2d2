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

"""Benchmark the cloud simulator at scale.

Builds 1,000 hosts x 20 servers (default) in memory and times
``GET /servers/detail?all_tenants=True&host=<h>`` through a real keystoneauth
session (what the engine does), plus a full-page listing and a server show.
Prints figures; asserts nothing.

    .venv/bin/python tools/bench/simulator.py [--hosts N] [--per-host M]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time

from masakari.testing.cloud import CloudSimulator, Timings


def _stats(label: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print('%-40s n=%-4d p50=%6.2f ms  p95=%6.2f ms  max=%6.2f ms'
          % (label, len(samples), statistics.median(samples) * 1e3,
             p95 * 1e3, samples[-1] * 1e3))


def _time(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--hosts', type=int, default=1000)
    parser.add_argument('--per-host', type=int, default=20)
    parser.add_argument('--rounds', type=int, default=200)
    args = parser.parse_args()

    with CloudSimulator(scale=1.0) as cloud:
        start = time.perf_counter()
        hosts = [h.name for h in cloud.add_hosts(args.hosts)]
        for name in hosts:
            for i in range(args.per_host):
                cloud.add_server(name, metadata={'HA_Enabled': str(i % 2)})
        built = time.perf_counter() - start
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print('built %d hosts, %d servers in %.2f s (max RSS %.0f MiB)'
              % (len(hosts), len(cloud.compute.servers), built, rss_mb))

        sess = cloud.session()
        headers = {'X-OpenStack-Nova-API-Version': '2.53'}
        url = cloud.compute_url
        sess.get(url + '/os-services', headers=headers)   # warm the token
        rng = random.Random(42)

        def by_host():
            host = rng.choice(hosts)
            resp = sess.get(url + '/servers/detail?all_tenants=True&host='
                            + host, headers=headers)
            assert len(resp.json()['servers']) == args.per_host

        ids = list(cloud.compute.servers)

        def show():
            sess.get(url + '/servers/' + rng.choice(ids), headers=headers)

        def services():
            sess.get(url + '/os-services?binary=nova-compute&host='
                     + rng.choice(hosts), headers=headers)

        def full_page():
            resp = sess.get(url + '/servers/detail?all_tenants=True',
                            headers=headers)
            assert len(resp.json()['servers']) == min(1000, len(ids))

        _stats('GET /servers/detail?host= (HTTP)', _time(by_host,
                                                         args.rounds))
        _stats('GET /servers/{id} (HTTP)', _time(show, args.rounds))
        _stats('GET /os-services?host=&binary= (HTTP)',
               _time(services, args.rounds))
        _stats('GET /servers/detail all_tenants (1000/page)',
               _time(full_page, max(5, args.rounds // 20)))
    _evacuate_host(args.hosts)


def _evacuate_host(host_count: int, vms: int = 50,
                   scale: float = 100.0) -> None:
    """Evacuate a 50-VM host through novaclient at 100x time."""
    timings = Timings(rebuild=30, rebuild_claim=2)
    with CloudSimulator(scale=scale, timings=timings) as cloud:
        cloud.add_hosts(host_count)
        ids = [cloud.add_server('compute-0001').id for _ in range(vms)]
        nova = cloud.nova_client('2.53')
        start = time.perf_counter()
        cloud.kill_host('compute-0001')
        svc = nova.services.list(host='compute-0001',
                                 binary='nova-compute')[0]
        nova.services.force_down(svc.id, True)
        for server_id in ids:
            nova.servers.evacuate(server_id)
        accepted = time.perf_counter() - start
        pending = set(ids)
        deadline = time.monotonic() + 60
        while pending and time.monotonic() < deadline:
            listed = nova.servers.list(search_opts={'all_tenants': True,
                                                    'status': 'ACTIVE'})
            pending -= {s.id for s in listed
                        if getattr(s, 'OS-EXT-SRV-ATTR:host')
                        != 'compute-0001'}
        total = time.perf_counter() - start
        print('evacuate %d VMs (%d hosts, rebuild 30 s at %gx): calls '
              'accepted in %.2f s, all active in %.2f s%s'
              % (vms, host_count, scale, accepted, total,
                 ' (TIMED OUT)' if pending else ''))


if __name__ == '__main__':
    main()
