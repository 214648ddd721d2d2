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

"""Benchmark: recovery of a failed host with N HA servers (simulated cloud).

Reports, in simulated seconds:
  (a) masakari: notification accepted -> every server active on another host
  (b) lower bound: a bare script that forces the service down, calls
      evacuate for every server at once and polls
  (c) masakari with upstream's defaults emulated by configuration
      (force_down_fenced_host=False, host_failure_recovery_threads=3)
and the ratio a/b (target <= 1.2).

    .venv/bin/python tools/bench/recovery.py [--servers 50] [--rebuild 2]
        [--scale 1] [--skip-upstream]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from oslo_config import cfg  # noqa: E402

from masakari import conf as masakari_conf  # noqa: E402
from masakari.compute import nova  # noqa: E402
from masakari.compute import session as nova_session  # noqa: E402
from masakari.db import api as db_api  # noqa: E402
from masakari.db import migration  # noqa: E402
from masakari.engine import manager as manager_mod  # noqa: E402
from masakari.engine.drivers import taskflow as tf_driver  # noqa: E402
from masakari.testing.cloud import CloudSimulator, Timings  # noqa: E402
from masakari.testing.cloud import clock as sim_clock  # noqa: E402
from masakari.engine import timing  # noqa: E402

HA = {"HA_Enabled": "True"}
HOSTS = ("failed", "spare1", "spare2", "spare3")


class SimClock(timing.Clock):
    def __init__(self, clock) -> None:
        self._clock = clock

    def monotonic(self) -> float:
        return self._clock.now()

    def utcnow(self) -> datetime.datetime:
        return sim_clock.to_datetime(self._clock.now()).replace(tzinfo=None)

    def sleep(self, seconds, cancel=None) -> bool:
        real = max(0.0, seconds) / self._clock.scale
        if cancel is None:
            time.sleep(real)
            return False
        return cancel.wait(real)


def make_cloud(args):
    timings = Timings(
        rebuild=args.rebuild,
        rebuild_claim=min(0.5, args.rebuild),
        report_interval=10.0,
        service_down_time=60.0,
    )
    sim = CloudSimulator(scale=args.scale, timings=timings).start()
    for name in HOSTS:
        sim.add_host(name)
    servers = [
        sim.add_server("failed", metadata=HA) for _ in range(args.servers)
    ]
    return sim, servers


def all_moved(sim, servers) -> bool:
    for server in servers:
        now = sim.get_server(server.id)
        if now.host == "failed" or now.vm_state != "active" or now.task_state:
            return False
    return True


def wait_moved(sim, servers, poll: float) -> float:
    start = sim.clock.now()
    while not all_moved(sim, servers):
        time.sleep(poll)
    return sim.clock.now() - start


def bare_script(args) -> float:
    sim, servers = make_cloud(args)
    try:
        client = sim.nova_client("2.53")
        sim.kill_host("failed")
        start = sim.clock.now()
        service = client.services.list(host="failed", binary="nova-compute")[0]
        client.services.force_down(service.id, True)
        with concurrent.futures.ThreadPoolExecutor(len(servers)) as pool:
            list(pool.map(lambda s: client.servers.evacuate(s.id), servers))
        deadline = time.monotonic() + 600
        while not all_moved(sim, servers):
            if time.monotonic() > deadline:
                raise SystemExit("bare script: servers not moved in 600 s")
            time.sleep(0.02)
        return sim.clock.now() - start
    finally:
        sim.stop()


def masakari_run(args, overrides: dict) -> float:
    sim, servers = make_cloud(args)
    tmp = tempfile.TemporaryDirectory(
        prefix="masakari-bench-", dir=args.tmpdir
    )
    try:
        conf = cfg.ConfigOpts()
        for module in masakari_conf.MODULES:
            module.register_opts(conf)
        conf([], project="masakari", default_config_files=[])
        url = (
            fresh_database(args.db_url)
            if args.db_url
            else f"sqlite:///{tmp.name}/bench.sqlite"
        )
        conf.set_override("connection", url, group="database")
        creds = sim.credentials
        conf.set_override("os_privileged_user_auth_url", creds["auth_url"])
        conf.set_override("os_privileged_user_name", creds["username"])
        conf.set_override("os_privileged_user_password", creds["password"])
        conf.set_override("os_privileged_user_tenant", creds["project_name"])
        conf.set_override("os_region_name", sim.region)
        for (group, name), value in overrides.items():
            conf.set_override(name, value, group=group)
        migration.db_sync(url=url, taskflow_connection=None)
        db_api.configure(url)
        nova_session.reset_cache()
        driver = tf_driver.TaskFlowDriver(
            conf=conf, nova_api=nova.API(conf=conf), backend_url=url
        )
        manager = manager_mod.MasakariManager(
            conf,
            driver=driver,
            db=db_api,
            clock=SimClock(sim.clock),
            emit=lambda *a, **k: None,
        )
        segment = db_api.failover_segment_create(
            {
                "name": "bench",
                "service_type": "COMPUTE",
                "recovery_method": "auto",
            }
        )
        hosts = {
            name: db_api.host_create(
                {
                    "name": name,
                    "type": "COMPUTE",
                    "control_attributes": "SSH",
                    "failover_segment_id": segment.uuid,
                }
            )
            for name in HOSTS
        }
        sim.kill_host("failed")
        note = db_api.notification_create(
            {
                "type": "COMPUTE_HOST",
                "source_host_uuid": hosts["failed"].uuid,
                "generated_time": datetime.datetime.utcnow(),
                "status": "new",
                "payload": {
                    "event": "STOPPED",
                    "host_status": "NORMAL",
                    "cluster_status": "OFFLINE",
                },
            }
        )
        start = sim.clock.now()
        future = manager.submit(None, note.notification_uuid)
        deadline = time.monotonic() + 600
        while not all_moved(sim, servers):
            if future.done() or time.monotonic() > deadline:
                # Recovery ended (or hung) without moving every server.
                future.result(timeout=0 if future.done() else 1)
                row = db_api.notification_get_by_uuid(note.notification_uuid)
                raise SystemExit(
                    "recovery ended with servers left behind: "
                    f"{row.status} {row.message or ''}"
                )
            time.sleep(0.02)
        elapsed = sim.clock.now() - start
        future.result(timeout=600)
        status = db_api.notification_get_by_uuid(note.notification_uuid).status
        manager.stop(5)
        if status != "finished":
            print(f"  warning: notification ended {status}")
        return elapsed
    finally:
        db_api.dispose()
        sim.stop()
        tmp.cleanup()


def fresh_database(server_url: str) -> str:
    """Create a uniquely named database on a MariaDB/PostgreSQL server."""
    import uuid

    import sqlalchemy as sa

    server = sa.engine.make_url(server_url)
    name = "masakari_bench_" + uuid.uuid4().hex[:8]
    admin = server.set(
        database="postgres"
        if server.get_backend_name() == "postgresql"
        else None
    )
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=50)
    parser.add_argument(
        "--rebuild", type=float, default=2.0, help="simulated rebuild time (s)"
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="simulated seconds per real second",
    )
    parser.add_argument("--skip-upstream", action="store_true")
    parser.add_argument(
        "--tmpdir",
        default=None,
        help="where the SQLite file goes (e.g. /dev/shm to "
        "take disk fsync latency out of the measurement)",
    )
    parser.add_argument(
        "--db-url",
        default=None,
        help="database server to create a scratch database on "
        "(default: a temporary SQLite file), e.g. "
        "mysql+pymysql://root@127.0.0.1:PORT/",
    )
    args = parser.parse_args()
    print(
        f"{args.servers} HA servers, rebuild {args.rebuild}s, "
        f"scale {args.scale}"
    )
    a = masakari_run(args, {})
    print(f"(a) masakari (defaults):            {a:7.2f} s")
    b = bare_script(args)
    print(f"(b) bare force-down + evacuate all: {b:7.2f} s")
    print(f"    ratio a/b:                      {a / b:7.2f} (target <= 1.2)")
    if not args.skip_upstream:
        c = masakari_run(
            args,
            {
                ("host_failure", "force_down_fenced_host"): False,
                (None, "host_failure_recovery_threads"): 3,
            },
        )
        print(
            f"(c) upstream defaults emulated:     {c:7.2f} s  "
            "(waits for Nova to see the host down, 3 at a time)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
