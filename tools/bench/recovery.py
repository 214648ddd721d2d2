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
  (d) masakari's safe path: the same notification without the monitor's
      fencing evidence, so the host is never forced down and the engine
      waits until Nova reports its compute service down by itself
  (e) with --real-path: (a) through the real path: the notification is
      POSTed to a masakari-api process, cast over RabbitMQ
      ($MASAKARI_TEST_TRANSPORT_URL) and recovered by a masakari-engine
      process (both on a scratch database, SQLite or --db-url)
and the ratio a/b (target <= 1.2). (a) carries the fencing evidence the
Pacemaker host monitor sends after a confirmed STONITH (the fast path).

On the clock, (a), (c), (d): from the engine being handed the uuid of a
notification already stored in the database (in-process: no API, no
RabbitMQ) to the last rebuild. (b): from the first Nova call (listing the
compute service) to the last rebuild. (e): from the moment the POST is
sent to the last rebuild (API, commit, cast and consumption included).
Before the clock, on both sides: the simulated cloud is built, and (unless
--cold) each side is warmed up the same way: the engine's warm_up()
(Keystone login, Nova endpoint, evacuation threads started) and, for the
bare script, the Keystone login, the endpoint lookup and one started
thread per server. With --cold neither is, so both pay them on the clock.
(e)'s engine always warms up when it starts, as deployed; its clock
starts once its Keystone login was served. The engine process of (e)
sleeps and polls in real time, so compare (e) with (a) at --scale 1.

By default the simulated cloud runs in its own process (one fresh process
per run, built identically), as a real Nova does: the engine or the bare
script under test then does not share a GIL with the simulator.
--in-process puts it back into the benchmark's process.

"All servers active" is the simulated time at which the last rebuild
finished (its launched_at), so neither the benchmark's own polling
interval nor masakari's confirmation polls blur the figures.

    .venv/bin/python tools/bench/recovery.py [--servers 50] [--rebuild 2]
        [--scale 1] [--skip-upstream] [--skip-safe-path] [--in-process]
        [--repeat N] [--cold] [--real-path]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from oslo_config import cfg  # noqa: E402

from masakari import conf as masakari_conf  # noqa: E402
from masakari.db import api as db_api  # noqa: E402
from masakari.db import migration  # noqa: E402
from masakari.engine import app as app_mod  # noqa: E402
from masakari.testing import nova_conf  # noqa: E402
from masakari.engine import manager as manager_mod  # noqa: E402
from masakari.engine.drivers import taskflow as tf_driver  # noqa: E402
from recovery_real import real_path_run  # noqa: E402
from recovery_cloud import (  # noqa: E402
    FAILED,
    HOSTS,
    RUN_TIMEOUT,
    SimClock,
    make_cloud,
    wait_all_active,
)


def bare_script(args) -> float:
    """(b): force the service down, evacuate every server at once, poll.

    Warmed up like masakari's engine (unless --cold): the Keystone login and
    Nova's endpoint lookup, and one started thread per server, all before
    the clock starts.
    """
    import threading

    from keystoneauth1 import loading, session
    from novaclient import client as nova_client

    cloud = make_cloud(args)
    pool = concurrent.futures.ThreadPoolExecutor(len(cloud.ids))
    try:
        plugin = loading.get_plugin_loader("password").load_from_options(
            **cloud.credentials
        )
        sess = session.Session(auth=plugin)
        client = nova_client.Client(
            "2.53", session=sess, region_name=cloud.region,
        )
        if not args.cold:
            sess.get_endpoint(service_type="compute",
                              region_name=cloud.region, interface="public")
            started = threading.Barrier(len(cloud.ids) + 1, timeout=60)
            for _ in cloud.ids:
                pool.submit(started.wait)
            started.wait()
        cloud.kill_host(FAILED)
        start = cloud.clock.now()
        service = client.services.list(host=FAILED, binary="nova-compute")[0]
        client.services.force_down(service.id, True)
        list(pool.map(client.servers.evacuate, cloud.ids))
        return wait_all_active(cloud, args, start)
    finally:
        pool.shutdown(wait=False)
        cloud.stop()


# Added by the Pacemaker host monitor after a confirmed STONITH: the proof
# that lets the engine force the host down and evacuate at once.
EVIDENCE = {"confirmed": True, "source": "stonith-history"}


def masakari_run(
    args, overrides: dict, evidence: bool = True
) -> tuple[float, float]:
    """(all servers active, notification finished), seconds from accepted.

    evidence: the notification carries the monitor's fencing evidence (fast
    path); without it the engine must wait until Nova reports the host's
    compute service down by itself (safe path).
    """
    cloud = make_cloud(args)
    tmp = tempfile.TemporaryDirectory(
        prefix="masakari-bench-", dir=args.tmpdir
    )
    manager = db = None
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
        nova_conf.use_simulator(conf, cloud)
        for (group, name), value in overrides.items():
            conf.set_override(name, value, group=group)
        migration.db_sync(url=url, taskflow_connection=None)
        db = db_api.DBAPI(db_api.Database(url))
        app = app_mod.EngineApp(
            conf=conf, db=db, clock=SimClock(cloud.clock)
        )
        driver = tf_driver.TaskFlowDriver(
            conf=conf, nova_api=app.nova_api(), backend_url=url
        )
        manager = manager_mod.MasakariManager(
            app, driver=driver, emit=lambda *a, **k: None
        )
        # A running engine has long finished starting when a host fails.
        warm_up = getattr(manager, "warm_up", None)
        if warm_up is not None and not args.cold:
            warm_up()
        segment = db.failover_segment_create(
            {
                "name": "bench",
                "service_type": "COMPUTE",
                "recovery_method": "auto",
            }
        )
        hosts = {
            name: db.host_create(
                {
                    "name": name,
                    "type": "COMPUTE",
                    "control_attributes": "SSH",
                    "failover_segment_id": segment.uuid,
                }
            )
            for name in HOSTS
        }
        cloud.kill_host(FAILED)
        note = db.notification_create(
            {
                "type": "COMPUTE_HOST",
                "source_host_uuid": hosts[FAILED].uuid,
                "generated_time": datetime.datetime.utcnow(),
                "status": "new",
                "payload": dict(
                    {
                        "event": "STOPPED",
                        "host_status": "NORMAL",
                        "cluster_status": "OFFLINE",
                    },
                    **({"fencing": EVIDENCE} if evidence else {}),
                ),
            }
        )
        start = cloud.clock.now()
        future = manager.submit(None, note.notification_uuid)

        def ended_early() -> None:
            if future.done():
                future.result(timeout=0)
                row = db.notification_get_by_uuid(note.notification_uuid)
                raise SystemExit(
                    "recovery ended with servers left behind: "
                    f"{row.status} {row.message or ''}"
                )

        elapsed = wait_all_active(cloud, args, start, ended_early)
        future.result(timeout=RUN_TIMEOUT)
        finished = cloud.clock.now() - start
        status = db.notification_get_by_uuid(note.notification_uuid).status
        if status != "finished":
            print(f"  warning: notification ended {status}")
        return elapsed, finished
    finally:
        if manager is not None:
            manager.stop(5)
        if db is not None:
            db.dispose()
        cloud.stop()
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


def parse_args(argv=None) -> argparse.Namespace:
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
        "--skip-safe-path", action="store_true",
        help="do not run (d), the recovery without fencing evidence",
    )
    parser.add_argument(
        "--repeat", type=int, default=1,
        help="run (a) and (b) this many times, interleaved",
    )
    parser.add_argument(
        "--cold", action="store_true",
        help="warm up neither masakari's engine nor the bare script",
    )
    parser.add_argument(
        "--real-path", action="store_true",
        help="also run (e): API -> RabbitMQ -> engine processes",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--simulator-process", dest="in_process", action="store_false",
        help="run the simulated cloud in its own process (default)",
    )
    mode.add_argument(
        "--in-process", dest="in_process", action="store_true",
        help="run the simulated cloud inside the benchmark process",
    )
    parser.set_defaults(in_process=False)
    parser.add_argument(
        "--poll", type=float, default=0.5,
        help="real seconds between two status polls of the bare script "
        "(and of the benchmark while masakari runs); masakari polls every "
        "[DEFAULT] evacuation_poll_interval (0.5 s)",
    )
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
    args = parser.parse_args(argv)
    if args.servers < 1 or args.rebuild < 0 or args.scale <= 0:
        parser.error("--servers >= 1, --rebuild >= 0 and --scale > 0")
    if args.repeat < 1 or args.poll <= 0:
        parser.error("--repeat >= 1 and --poll > 0")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    where = "in-process" if args.in_process else "own process"
    print(
        f"{args.servers} HA servers, rebuild {args.rebuild}s, "
        f"scale {args.scale}, simulator: {where}, poll {args.poll}s, "
        f"{'cold (no warm-up)' if args.cold else 'both sides warmed up'}"
    )
    ratios = []
    for _ in range(args.repeat):
        a, finished = masakari_run(args, {})
        print(f"(a) masakari, fencing evidence:     {a:7.2f} s  "
              f"(notification finished after {finished:.2f} s)")
        b = bare_script(args)
        print(f"(b) bare force-down + evacuate all: {b:7.2f} s")
        ratios.append(a / b)
        print(f"    ratio a/b:                      {a / b:7.2f} "
              "(target <= 1.2)")
    if len(ratios) > 1:
        print(f"    ratio range:                    {min(ratios):7.2f} .. "
              f"{max(ratios):.2f}")
    if args.real_path:
        e, finished = real_path_run(args, EVIDENCE)
        print(f"(e) real path (API, RabbitMQ, engine): {e:7.2f} s  "
              f"(notification seen finished after {finished:.2f} s)")
    if not args.skip_safe_path:
        d, _ = masakari_run(args, {}, evidence=False)
        print(
            f"(d) masakari, no fencing evidence:  {d:7.2f} s  "
            "(safe path: never forced down; waits for Nova to see the "
            "host down)"
        )
    if not args.skip_upstream:
        c, _ = masakari_run(
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
