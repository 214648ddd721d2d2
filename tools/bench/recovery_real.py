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

"""The recovery benchmark's real path: the notification goes through a
masakari-api process, RabbitMQ and a masakari-engine process."""

from __future__ import annotations

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlalchemy as sa  # noqa: E402

import benchenv  # noqa: E402
from recovery_cloud import (  # noqa: E402
    FAILED,
    HOSTS,
    RUN_TIMEOUT,
    make_cloud,
    wait_all_active,
)

from masakari.testing import waits  # noqa: E402

TOKEN_KIND = "identity.token.create"
TERMINAL = ("finished", "failed", "ignored", "error")


def _tokens(cloud) -> int:
    """Keystone logins the simulator served so far."""
    if hasattr(cloud, "sim"):
        return len(cloud.sim.journal.entries(kind=TOKEN_KIND))
    entries = cloud._admin("GET", f"/journal?kind={TOKEN_KIND}")["entries"]
    return len(entries)


def real_path_run(args, evidence: dict | None) -> tuple[float, float]:
    """(all servers active, notification seen finished), simulated seconds
    from the moment the POST /v1/notifications was sent.

    The engine process warms up when it starts (its Keystone login, its
    evacuation threads); the clock starts once that login was served.
    """
    backend = (sa.engine.make_url(args.db_url).get_backend_name()
               if args.db_url else "sqlite")
    cloud = make_cloud(args)
    tmp = tempfile.TemporaryDirectory(prefix="masakari-bench-",
                                      dir=args.tmpdir)
    db = dep = None
    try:
        db = benchenv.ScratchDatabase(backend, tmp.name, server=args.db_url)
        dep = benchenv.Deployment(tmp.name, db.url, benchenv.transport_url(),
                                  cloud)
        dep.start_api()
        client = benchenv.Client(dep.api.port)
        benchenv.seed_hosts(client, len(HOSTS), names=list(HOSTS))
        logins = _tokens(cloud)
        dep.start_engine()
        if not waits.poll(lambda: _tokens(cloud) > logins, 60, interval=0.1):
            raise SystemExit("the engine did not log in to Keystone")
        cloud.kill_host(FAILED)
        payload = {"event": "STOPPED", "host_status": "NORMAL",
                   "cluster_status": "OFFLINE"}
        if evidence:
            payload["fencing"] = evidence
        start = cloud.clock.now()
        uuid = client.json("POST", "/v1/notifications", {"notification": {
            "type": "COMPUTE_HOST", "hostname": FAILED,
            "generated_time": time.strftime("%Y-%m-%dT%H:%M:%S",
                                            time.gmtime()),
            "payload": payload}}, expect=202)["notification"][
                "notification_uuid"]

        def status() -> str:
            return client.json("GET", f"/v1/notifications/{uuid}")[
                "notification"]["status"]

        def ended_early() -> None:
            if status() in TERMINAL[1:]:
                raise SystemExit("recovery ended with servers left behind: "
                                 + status())

        elapsed = wait_all_active(cloud, args, start, ended_early)
        if not waits.poll(lambda: status() in TERMINAL, RUN_TIMEOUT,
                          interval=args.poll):
            raise SystemExit("notification not finished in time")
        finished = cloud.clock.now() - start
        if status() != "finished":
            print(f"  warning: notification ended {status()}")
        client.close()
        return elapsed, finished
    finally:
        if dep is not None:
            dep.stop()
        if db is not None:
            db.close()
        cloud.stop()
        tmp.cleanup()
