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

"""The simulated cloud of the recovery benchmark, in or out of process,
and how the benchmark sees every server active again."""

from __future__ import annotations

import datetime
import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from masakari.testing import clock_fakes  # noqa: E402
from masakari.testing.cloud import CloudSimulator, builder  # noqa: E402

HA = {"HA_Enabled": "True"}
FAILED = "failed"
HOSTS = (FAILED, "spare1", "spare2", "spare3")
START_TIMEOUT = 60.0  # real seconds for a simulator process to come up
RUN_TIMEOUT = 600.0  # real seconds for one recovery


# The engine's clock: simulated time, sleeps scaled to real time.
SimClock = clock_fakes.ScaledEngineClock


class MirrorClock:
    """The simulator process's clock, followed locally from one reading."""

    def __init__(self, sim_now: float, scale: float) -> None:
        self.scale = scale
        self._base = sim_now
        self._m0 = time.monotonic()

    def now(self) -> float:
        return self._base + (time.monotonic() - self._m0) * self.scale


def cloud_spec(args) -> dict:
    """The cloud every run starts from (hosts, HA servers, timings)."""
    return {
        "hosts": [{"name": name} for name in HOSTS],
        "servers": [{"host": FAILED, "count": args.servers, "metadata": HA}],
        "timings": {
            "rebuild": args.rebuild,
            "rebuild_claim": min(0.5, args.rebuild),
            "report_interval": 10.0,
            "service_down_time": 60.0,
        },
        "scale": args.scale,
    }


def _epoch(iso: str | None) -> float | None:
    if not iso:
        return None
    when = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%f")
    return when.replace(tzinfo=datetime.timezone.utc).timestamp()


def _nova_adapter(credentials: dict, region: str):
    from keystoneauth1 import adapter, loading, session

    plugin = loading.get_plugin_loader("password").load_from_options(
        **credentials
    )
    return adapter.Adapter(
        session.Session(auth=plugin),
        service_type="compute",
        interface="public",
        region_name=region,
        default_microversion="2.53",
    )


class InProcessCloud:
    """The simulator in this process (engine and Nova share one GIL)."""

    def __init__(self, args) -> None:
        spec = cloud_spec(args)
        self.sim = CloudSimulator(**builder.simulator_options(spec)).start()
        builder.build(self.sim, spec)
        self.credentials = dict(self.sim.credentials)
        self.region = self.sim.region
        self.clock = self.sim.clock
        self.ids = [s.id for s in self.sim.servers_on(FAILED)]

    def kill_host(self, name: str) -> None:
        self.sim.kill_host(name)

    def servers(self) -> list[dict]:
        rows = []
        for server_id in self.ids:
            server = self.sim.get_server(server_id)
            rows.append({
                "host": server.host,
                "vm_state": server.vm_state,
                "task_state": server.task_state,
                "launched_at": server.launched_at,
            })
        return rows

    def stop(self) -> None:
        self.sim.stop()


class ProcessCloud:
    """masakari-cloud-simulator in a child process, driven over HTTP."""

    def __init__(self, args, spec: dict | None = None) -> None:
        """``spec``: the cloud to build (default: the recovery one)."""
        self._dir = tempfile.TemporaryDirectory(prefix="masakari-bench-sim-")
        spec_file = os.path.join(self._dir.name, "cloud.json")
        with open(spec_file, "w", encoding="utf-8") as handle:
            json.dump(spec or cloud_spec(args), handle)
        self._stderr = open(  # noqa: SIM115 - closed in stop()
            os.path.join(self._dir.name, "stderr"), "w+", encoding="utf-8"
        )
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "masakari.testing.cloud.cmd",
             "--cloud", spec_file, "--json"],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        try:
            self._connect(args)
        except BaseException:
            self.stop()
            raise

    def _connect(self, args) -> None:
        details = json.loads(self._first_line())
        self.region = details.pop("region_name")
        self.admin_url = details.pop("admin_url")
        self.credentials = {
            key: details[key]
            for key in ("auth_url", "username", "password", "project_name",
                        "user_domain_name", "project_domain_name")
        }
        self._nova = _nova_adapter(self.credentials, self.region)
        before = time.monotonic()
        state = self._admin("GET", "/state")
        rtt = time.monotonic() - before
        self.clock = MirrorClock(state["time"] + rtt * args.scale / 2,
                                 args.scale)
        self.ids = [s["id"] for s in self._list()]

    def _first_line(self) -> str:
        selector = selectors.DefaultSelector()
        selector.register(self._proc.stdout, selectors.EVENT_READ)
        try:
            if not selector.select(START_TIMEOUT):
                raise SystemExit("simulator process did not start in time")
        finally:
            selector.close()
        line = self._proc.stdout.readline()
        if not line:
            self._stderr.seek(0)
            raise SystemExit("simulator process failed:\n"
                             + self._stderr.read())
        return line

    def _admin(self, method: str, path: str) -> dict:
        request = urllib.request.Request(
            self.admin_url + path, method=method,
            data=b"{}" if method == "POST" else None,
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            return json.loads(resp.read() or b"{}")

    def _list(self) -> list[dict]:
        resp = self._nova.get("/servers/detail",
                              params={"all_tenants": "True"})
        return resp.json()["servers"]

    def kill_host(self, name: str) -> None:
        self._admin("POST", f"/hosts/{name}/kill")

    def servers(self) -> list[dict]:
        wanted = set(self.ids)
        return [
            {
                "host": s.get("OS-EXT-SRV-ATTR:host"),
                "vm_state": s.get("OS-EXT-STS:vm_state"),
                "task_state": s.get("OS-EXT-STS:task_state"),
                "launched_at": _epoch(s.get("OS-SRV-USG:launched_at")),
            }
            for s in self._list()
            if s["id"] in wanted
        ]

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()
        self._dir.cleanup()


def make_cloud(args):
    return InProcessCloud(args) if args.in_process else ProcessCloud(args)


def all_active_at(cloud, count: int) -> float | None:
    """When the last server became active elsewhere, or None if not yet."""
    rows = cloud.servers()
    if len(rows) != count:
        return None
    for row in rows:
        if (
            row["host"] in (None, FAILED)
            or row["vm_state"] != "active"
            or row["task_state"]
            or row["launched_at"] is None
        ):
            return None
    return max(row["launched_at"] for row in rows)


def wait_all_active(cloud, args, start: float, stop_early=None) -> float:
    """Poll every --poll seconds; seconds from start to the last rebuild.

    Nothing can be rebuilt before ``rebuild`` simulated seconds have
    passed, so the first poll waits that long.
    """
    time.sleep(args.rebuild / args.scale)
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        done = all_active_at(cloud, args.servers)
        if done is not None:
            return done - start
        if stop_early is not None:
            stop_early()
        if time.monotonic() > deadline:
            raise SystemExit(f"servers not active in {RUN_TIMEOUT} s")
        time.sleep(args.poll)
