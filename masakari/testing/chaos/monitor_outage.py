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
"""The monitors keep reporting while masakari-api is down: their
notifier retries, then spools, and the spool replayer delivers once the
API is back. Runs the monitors' own notifier, spool and replayer (as
masakari-hostmonitor builds them) in this process on a scaled clock."""

from __future__ import annotations

import collections
import os
import random
import tempfile
import threading
import time
from typing import Any, Callable

from oslo_config import cfg

from masakari.testing import chaos
from masakari.testing import waits
from masakari.testing.deployment import Deployment
from masakari.testing.deployment import FENCED

Report = Callable[[str], object]


def _quiet(_line: str) -> None:
    return None


class Monitor:
    """One monitor's notifier, spool and replayer; its waits last
    1/``scale`` of the configured seconds."""

    def __init__(self, workdir: str, endpoint: str, scale: float) -> None:
        from masakarimonitors import conf as monitors_conf
        from masakarimonitors.common import context as monitor_context
        from masakarimonitors.common import notifier as notifier_mod

        os.makedirs(workdir, exist_ok=True)
        path = os.path.join(workdir, "masakarimonitors.conf")
        with open(path, "w") as handle:
            handle.write(f"[DEFAULT]\nspool_dir = {workdir}/spool\n"
                         f"state_path = {workdir}\n"
                         f"[api]\nauth_type = none\n"
                         f"endpoint = {endpoint}/v1\ntimeout = 10\n")
        conf = monitors_conf.register_all(cfg.ConfigOpts())
        conf(["--config-file", path], project="masakarimonitors",
             default_config_files=[], default_config_dirs=[])
        self.stopped = threading.Event()
        self.spool = monitor_context.open_spool(conf, "hostmonitor")
        self.notifier = notifier_mod.Notifier(
            conf.host.api_retry_max, conf.host.api_retry_interval, conf,
            spool=self.spool,
            sleep=lambda seconds: self.stopped.wait(seconds / scale))
        self.replayer = notifier_mod.Replayer(
            self.spool, conf.spool_replay_interval / scale,
            notifier_mod.Sender(conf))
        self.retry_window = (conf.host.api_retry_max
                             * conf.host.api_retry_interval)

    def report_down(self, host: str) -> bool:
        return self.notifier.send({
            "type": "COMPUTE_HOST", "hostname": host,
            "generated_time": time.strftime("%Y-%m-%dT%H:%M:%S",
                                            time.gmtime()),
            "payload": {"event": "STOPPED", "host_status": "NORMAL",
                        "cluster_status": "OFFLINE", "fencing": FENCED}})

    def close(self) -> None:
        self.stopped.set()
        self.notifier.close()
        self.replayer.stop()


def api_outage(trials: int, seed: int = 0, monitors: int = 3,
               per_monitor: int = 10, outage: float = 300.0,
               scale: float = 5.0, report: Report = _quiet) -> chaos.Tally:
    """masakari-api stopped for ``outage`` (monitor) seconds while
    ``monitors`` monitors each report ``per_monitor`` failed hosts at
    random moments of the outage; the monitors' clock runs ``scale``
    times faster than real time. Every report must be stored exactly
    once after the API is back. A trial is one report (``trials``
    outages of ``monitors * per_monitor`` reports)."""
    rng = random.Random(seed)
    tally = chaos.Tally(
        f"masakari-api down {outage:.0f} s (monitor time, x{scale:g}) "
        f"while {monitors} monitors report {monitors * per_monitor} "
        "failed hosts; checked: notifications stored per host, spools "
        "empty")
    with chaos.simulator() as sim, \
            tempfile.TemporaryDirectory(prefix="masakari-mon-") as tmp:
        dep = Deployment(sim)
        try:
            dep.start_api()
            for trial in range(trials):
                _outage_trial(dep, sim, tally, rng, trial, monitors,
                              per_monitor, outage, scale,
                              os.path.join(tmp, str(trial)), report)
        finally:
            dep.stop(print_logs=not tally.clean)
    return tally


def _outage_trial(dep: Deployment, sim: Any, tally: chaos.Tally,
                  rng: random.Random, trial: int, monitors: int,
                  per_monitor: int, outage: float, scale: float,
                  workdir: str, report: Report) -> None:
    names = [f"mon{trial}-{i}" for i in range(monitors * per_monitor)]
    for name in names:
        sim.add_host(name)
    segment = dep.make_segment(names)
    agents = [Monitor(os.path.join(workdir, f"m{i}"), dep.endpoint, scale)
              for i in range(monitors)]
    try:
        for agent in agents:
            agent.replayer.start()
        dep.kill("api")
        down_at = time.monotonic()
        real_outage = outage / scale

        def monitor(index: int) -> None:
            mine = names[index::monitors]
            moments = sorted(rng.uniform(0, real_outage * 0.9)
                             for _ in mine)
            for name, moment in zip(mine, moments):
                delay = down_at + moment - time.monotonic()
                if delay > 0:
                    agents[index].stopped.wait(delay)
                threading.Thread(target=agents[index].report_down,
                                 args=(name,), daemon=True).start()
        threads = [threading.Thread(target=monitor, args=(i,))
                   for i in range(monitors)]
        for thread in threads:
            thread.start()
        threading.Event().wait(max(0.0, down_at + real_outage
                                   - time.monotonic()))
        dep.start_api()
        for thread in threads:
            thread.join(60)
        # the notifier's last retries, then the replayer's next round
        deadline = (agents[0].retry_window + 2 * 30) / scale + 60
        waits.poll(lambda: all(len(a.spool) == 0 for a in agents),
                   deadline, interval=0.2)
        spooled = sum(len(a.spool) for a in agents)
    finally:
        for agent in agents:
            agent.close()
    stored = collections.Counter(
        n["source_host_uuid"] for n in dep.call(
            "GET", "/notifications?limit=1000")["notifications"])
    hosts = {h["uuid"]: h["name"] for h in dep.call(
        "GET", f"/segments/{segment['uuid']}/hosts")["hosts"]}
    per_name = {hosts[uuid_]: count for uuid_, count in stored.items()
                if uuid_ in hosts}
    for name in names:  # a trial per report
        count = per_name.get(name, 0)
        tally.add(lost=int(count == 0), duplicated=max(0, count - 1),
                  problem=f"{name}: {spooled} left in the spools"
                  if spooled and name == names[-1] else None)
    report(f"trial {trial + 1}: {len(names)} reports, "
           f"{sum(per_name.values())} stored, {spooled} left spooled")
