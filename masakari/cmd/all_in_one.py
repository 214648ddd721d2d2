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

"""masakari all-in-one: API + engine in one process on embedded defaults.

SQLite under --state-dir, in-process messaging (oslo.messaging's fake
driver, which only works inside one process, hence one process), noauth2,
listening on 127.0.0.1. Unless a real Nova is configured or --no-simulator
is given, the cloud simulator stands in for Keystone and Nova, so compute
hosts can be registered and recoveries run. With --demo it registers the
simulator's hosts as the failover segment "demo" (recreated on every run),
fails one host and follows the recovery until the notification is finished.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
import urllib.request
from typing import Any

from oslo_service import backend

from masakari.common import signals

DEMO_HOSTS = ("compute1", "compute2", "compute3")
DEMO_SEGMENT = "demo"
DEMO_SERVERS = 4
DEMO_DEADLINE = 120.0
TERMINAL = ("finished", "failed", "ignored")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="masakari-all-in-one",
        description="Run masakari-api and masakari-engine together (SQLite, "
        "in-process messaging, noauth2, 127.0.0.1 only).",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=15868,
        help="API port (default 15868; 0 = any free port)",
    )
    parser.add_argument(
        "--state-dir",
        default=".aio",
        help="directory of the SQLite database (default .aio)",
    )
    parser.add_argument(
        "--config-file",
        action="append",
        default=[],
        help="extra masakari configuration file(s)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="register the simulator's hosts as segment 'demo', fail a "
        "host, show the recovery, then exit",
    )
    parser.add_argument(
        "--no-simulator",
        action="store_true",
        help="do not start the cloud simulator (no Nova unless one is "
        "configured: hosts cannot be registered)",
    )
    return parser


def _configure(args: argparse.Namespace) -> Any:
    from masakari.common import config

    argv = ["masakari-all-in-one"]
    for path in args.config_file:
        argv += ["--config-file", path]
    conf = config.parse_args(argv, default_config_files=[])
    os.makedirs(args.state_dir, exist_ok=True)
    url = "sqlite:///" + os.path.abspath(
        os.path.join(args.state_dir, "masakari.sqlite")
    )
    conf.set_default("connection", url, group="database")
    conf.set_default("connection", url, group="taskflow")
    _register_messaging_opts(conf)
    conf.set_default("transport_url", "fake:/")
    conf.set_default("auth_strategy", "noauth2")
    conf.set_default("masakari_api_listen", "127.0.0.1")
    conf.set_default("host", "all-in-one")
    conf.set_default("periodic_fuzzy_delay", 0)
    config.setup_logging(conf)
    return conf


def _register_messaging_opts(conf: Any) -> None:
    """oslo.messaging registers its options lazily; we set defaults now."""
    from oslo_config import cfg
    from oslo_messaging import opts as messaging_opts

    for group, opts in messaging_opts.list_opts():
        for opt in opts:
            try:
                conf.register_opt(opt, group=group)
            except cfg.DuplicateOptError:
                pass


def _start_api(conf: Any, port: int, metrics: Any) -> tuple[Any, str]:
    """The API on its own thread, counting into the engine's metrics (one
    process, one metrics endpoint)."""
    from masakari.api import appctx
    from masakari.api import loader
    from masakari.api import server

    app = loader.load_app(appctx.AppContext(conf, metrics=metrics))
    srv = server.make_server(conf, app, host="127.0.0.1", port=port)
    srv.prepare()
    thread = threading.Thread(
        target=srv.serve, name="masakari-api", daemon=True
    )
    thread.start()
    host, bound = srv.bind_addr[:2]
    return srv, f"http://{host}:{bound}"


class Client:
    """Tiny REST client for the demo (noauth2: every caller is admin)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def call(self, method: str, path: str, body: dict | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.endpoint + "/v1" + path,
            data=data,
            method=method,
            headers={
                "Content-Type": "application/json",
                "OpenStack-API-Version": "instance-ha 1.3",
                "X-Project-Id": "demo",
                "X-User-Id": "demo",
                "X-Roles": "admin",
            },
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
        return json.loads(raw) if raw else None


def start_simulator(conf: Any, scale: float = 10.0) -> Any:
    """The cloud simulator with the demo hosts, as the engine's Nova."""
    from masakari.testing import nova_conf
    from masakari.testing.cloud import CloudSimulator, Timings

    timings = Timings(
        rebuild=10.0,
        rebuild_claim=2.0,
        stop=3.0,
        start=3.0,
        report_interval=10.0,
        service_down_time=60.0,
    )
    sim = CloudSimulator(scale=scale, timings=timings).start()
    nova_conf.use_simulator(conf, sim)
    for name in DEMO_HOSTS:
        sim.add_host(name)
    return sim


def usage(endpoint: str, sim: Any, database: str) -> str:
    """What the all-in-one prints once it serves: where, and how to use it
    from the openstack CLI."""
    nova = (
        f"cloud simulator at {sim.keystone_url} (compute hosts "
        f"{', '.join(DEMO_HOSTS)})"
        if sim is not None
        else "none started (configure [DEFAULT] os_privileged_user_* "
        "for a real one)"
    )
    return "\n".join([
        f"masakari all-in-one: API at {endpoint}/v1 (noauth2: every "
        "caller is admin), engine in-process",
        f"  database: {database}",
        f"  Nova:     {nova}",
        "Use it from the openstack CLI (python-masakariclient):",
        f"  export OS_AUTH_TYPE=none OS_ENDPOINT={endpoint}/v1",
        "  openstack segment create seg1 auto COMPUTE",
        "  openstack segment host create compute1 COMPUTE SSH seg1",
        "  openstack notification list",
        "Stop with Ctrl-C.",
    ])


def _recreate_demo_segment(client: Client) -> dict:
    """A fresh segment 'demo': one left by an earlier run is deleted first
    (its hosts went on maintenance when it failed them)."""
    for old in client.call("GET", "/segments")["segments"]:
        if old["name"] == DEMO_SEGMENT:
            client.call("DELETE", f"/segments/{old['uuid']}")
    return client.call(
        "POST",
        "/segments",
        {
            "segment": {
                "name": DEMO_SEGMENT,
                "service_type": "COMPUTE",
                "recovery_method": "auto",
            }
        },
    )["segment"]


def run_demo(client: Client, sim: Any, out: Any = sys.stdout) -> str:
    """Segment → host failure → recovery on the simulator; final status."""
    servers = [
        sim.add_server(
            DEMO_HOSTS[0],
            name=f"demo-vm-{i}",
            metadata={"HA_Enabled": "True"},
        )
        for i in range(DEMO_SERVERS)
    ]
    print(
        f"Simulated cloud at {sim.keystone_url}: hosts "
        f"{', '.join(DEMO_HOSTS)}; {len(servers)} HA servers on "
        f"{DEMO_HOSTS[0]}",
        file=out,
    )
    segment = _recreate_demo_segment(client)
    for name in DEMO_HOSTS:
        client.call(
            "POST",
            f"/segments/{segment['uuid']}/hosts",
            {
                "host": {
                    "name": name,
                    "type": "COMPUTE",
                    "control_attributes": "SSH",
                }
            },
        )
    print(
        f"Segment '{DEMO_SEGMENT}' ({segment['uuid']}) with "
        f"{len(DEMO_HOSTS)} hosts",
        file=out,
    )
    sim.kill_host(DEMO_HOSTS[0])
    print(
        f"Host {DEMO_HOSTS[0]} powered off in the simulator; the demo "
        "posts the host failure notification itself, with the fencing "
        "evidence a Pacemaker host monitor adds after a confirmed "
        "STONITH",
        file=out,
    )
    note = client.call(
        "POST",
        "/notifications",
        {
            "notification": {
                "type": "COMPUTE_HOST",
                "hostname": DEMO_HOSTS[0],
                "generated_time": time.strftime(
                    "%Y-%m-%dT%H:%M:%S", time.gmtime()
                ),
                "payload": {
                    "event": "STOPPED",
                    "host_status": "NORMAL",
                    "cluster_status": "OFFLINE",
                    "fencing": {
                        "confirmed": True,
                        "source": "simulator",
                    },
                },
            }
        },
    )["notification"]
    return _follow(client, note["notification_uuid"], sim, servers, out)


def _follow(
    client: Client, uuid: str, sim: Any, servers: list, out: Any
) -> str:
    deadline = time.monotonic() + DEMO_DEADLINE
    seen: set[tuple] = set()
    status = "new"
    while time.monotonic() < deadline:
        note = client.call("GET", f"/notifications/{uuid}")["notification"]
        status = note["status"]
        for task in note.get("recovery_workflow_details") or []:
            for entry in task.get("progress_details") or []:
                key = (task["name"], entry["timestamp"], entry["message"])
                if key not in seen:
                    seen.add(key)
                    print(f"  [{task['name']}] {entry['message']}", file=out)
        if status in TERMINAL:
            break
        time.sleep(0.5)
    print(f"Notification {uuid}: {status}", file=out)
    vmoves = client.call("GET", f"/notifications/{uuid}/vmoves")["vmoves"]
    for vmove in vmoves:
        print(
            f"  {vmove['instance_name']}: {vmove['source_host']} -> "
            f"{vmove['dest_host']} ({vmove['status']})",
            file=out,
        )
    for server in servers:
        now = sim.get_server(server.id)
        print(f"  {now.name} is {now.vm_state} on {now.host}", file=out)
    return status


def main(argv: list[str] | None = None) -> int:
    backend.init_backend(backend.BackendType.THREADING)
    args = _parser().parse_args(argv)
    conf = _configure(args)
    # alembic's plugin and migration-step lines are noise for a quick start.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from masakari.db import migration
    from masakari.engine import app as engine_app
    from masakari.engine import service as engine_service

    migration.db_sync(
        url=conf.database.connection,
        taskflow_connection=conf.taskflow.connection,
    )
    sim = None
    if args.no_simulator:
        if args.demo:
            print("--demo needs the cloud simulator", file=sys.stderr)
            return 2
    elif conf.os_privileged_user_auth_url:
        if args.demo:
            print("--demo runs on the cloud simulator; a real Nova is "
                  "configured ([DEFAULT] os_privileged_user_auth_url)",
                  file=sys.stderr)
            return 2
    else:
        # Started before the engine, so its warm-up logs in to "Nova".
        sim = start_simulator(conf)
    app = engine_app.EngineApp.build(conf)
    engine = engine_service.EngineRunner(conf, app=app)
    api = None
    code = 0
    try:
        engine.start()
        api, endpoint = _start_api(conf, args.port, app.metrics)
        print(usage(endpoint, sim, conf.database.connection), flush=True)
        with signals.SignalWaiter() as waiter:
            if args.demo:
                status = run_demo(Client(endpoint), sim)
                code = 0 if status == "finished" else 1
            else:
                waiter.wait()
    finally:
        if api is not None:
            api.stop()
        engine.stop(timeout=10)
        if sim is not None:
            sim.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
