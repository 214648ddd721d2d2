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
"""Engines that die or compete: SIGKILL in the middle of a recovery, two
engines and three monitors reporting the same failures, an engine killed
while it holds a reserved host's lock."""

from __future__ import annotations

import os
import random
import threading
from typing import Any, Callable

from masakari.testing import chaos
from masakari.testing import services
from masakari.testing import waits
from masakari.testing.deployment import Deployment
from masakari.testing.deployment import FENCED

Report = Callable[[str], object]
RESERVED_VMS = 20
BACKENDS = ("sqlite", "mariadb", "postgresql")
SERVER_ENV = {"mariadb": "MASAKARI_TEST_MYSQL_URL",
              "postgresql": "MASAKARI_TEST_POSTGRESQL_URL"}


def _quiet(_line: str) -> None:
    return None


def _deployment(sim: Any, db_url: str | None = None,
                **default: Any) -> Deployment:
    return Deployment(sim, db_url=db_url, extra={
        "DEFAULT": {**chaos.FAST_ENGINE, **default},
        "fencing": chaos.NO_GATES})


def _final_status(dep: Deployment, note: str, timeout: float) -> str:
    try:
        return dep.wait_status(note, timeout=timeout)["status"]
    except AssertionError:
        return "timeout"


def engine_kill(trials: int, seed: int = 0, vms: int = 50,
                report: Report = _quiet) -> chaos.Tally:
    """SIGKILL the engine at a random point of a ``vms``-VM host
    recovery, start a new one; each VM must be evacuated exactly once and
    the notification must finish.

    The kill point is drawn uniformly from "after k evacuate calls reached
    Nova", k in 0..vms (0: right after the API accepted the report).
    """
    rng = random.Random(seed)
    tally = chaos.Tally(
        f"engine SIGKILLed at a random point of a {vms}-VM host recovery "
        "and restarted; checked: evacuate calls per VM in Nova's journal, "
        "VMs active elsewhere, notification finished")
    with chaos.simulator() as sim:
        dep = _deployment(sim)
        try:
            dep.start_api()
            engine = "engine-0"
            dep.start_engine(engine)
            for trial in range(trials):
                hosts = [f"kill{trial}-{x}" for x in "abc"]
                for name in hosts:
                    sim.add_host(name)
                servers = [sim.add_server(hosts[0], metadata=chaos.HA)
                           for _ in range(vms)]
                dep.make_segment(hosts)
                sim.kill_host(hosts[0])
                since = sim.journal.last_seq()
                point = rng.randint(0, vms)
                note = dep.notify_host_down(hosts[0])
                waits.poll(lambda: sum(chaos.evacuations(
                    sim, since).values()) >= point, 120, interval=0.01)
                dep.kill(engine)
                engine = f"engine-{trial + 1}"
                dep.start_engine(engine)
                status = _final_status(dep, note, 240)
                lost, duplicated = chaos.moved_once(sim, servers, hosts[0],
                                                    since)
                tally.add(lost, duplicated, None if status == "finished"
                          else f"notification {status}")
                report(f"trial {trial + 1}: killed after {point} "
                       f"evacuations: {status}, lost {lost}, "
                       f"duplicated {duplicated}")
        finally:
            dep.stop(print_logs=not tally.clean)
    return tally


def _monitor_post(dep: Deployment, host: str, delay: float) -> str | None:
    """What a host monitor sends for a host it saw go offline, with its
    own detection time; None when the API refused it as a duplicate or a
    host already under recovery (409)."""
    import time
    import urllib.error

    stamp = time.strftime("%Y-%m-%dT%H:%M:%S",
                          time.gmtime(time.time() - delay))
    try:
        return dep.call("POST", "/notifications", {"notification": {
            "type": "COMPUTE_HOST", "hostname": host,
            "generated_time": stamp,
            "payload": {"event": "STOPPED", "host_status": "NORMAL",
                        "cluster_status": "OFFLINE",
                        "fencing": FENCED}}})[
            "notification"]["notification_uuid"]
    except urllib.error.HTTPError as err:
        if err.code != 409:
            raise
        return None


def same_failures(trials: int, seed: int = 0, hosts: int = 10,
                  monitors: int = 3, report: Report = _quiet
                  ) -> chaos.Tally:
    """``monitors`` clients report the same ``hosts`` failed hosts at
    once (each with its own detection time, as the host monitors of
    different nodes do) to two engines: exactly ``hosts`` recoveries."""
    rng = random.Random(seed)
    tally = chaos.Tally(
        f"{monitors} monitors report the same {hosts} failed hosts to 2 "
        "engines; checked: recoveries (notifications that moved VMs) per "
        "host, evacuate calls per VM, every accepted report processed")
    with chaos.simulator() as sim:
        dep = _deployment(sim)
        try:
            dep.start_api()
            dep.start_engine("engine-a")
            dep.start_engine("engine-b")
            for trial in range(trials):
                _same_failures_trial(dep, sim, tally, rng, trial, hosts,
                                     monitors, report)
        finally:
            dep.stop(print_logs=not tally.clean)
    return tally


def _same_failures_trial(dep: Deployment, sim: Any, tally: chaos.Tally,
                         rng: random.Random, trial: int, hosts: int,
                         monitors: int, report: Report) -> None:
    failed = [f"dup{trial}-{i}" for i in range(hosts)]
    spare = [f"dup{trial}-spare{i}" for i in range(3)]
    for name in failed + spare:
        sim.add_host(name)
    servers = {name: [sim.add_server(name, metadata=chaos.HA)
                      for _ in range(2)] for name in failed}
    dep.make_segment(failed + spare)
    for name in failed:
        sim.kill_host(name)
    # The reports come once Nova sees the hosts down too: before that its
    # scheduler may place one failed host's VMs on another (one VM then
    # evacuated twice), a race of Nova's that this scenario is not about.
    waits.wait_until(lambda: all(sim.get_service(name)["state"] == "down"
                                 for name in failed), 120, interval=0.2,
                     what="Nova to see the failed hosts down")
    since = sim.journal.last_seq()
    accepted: list[str] = []
    lock = threading.Lock()

    def monitor(index: int) -> None:
        order = list(failed)
        random.Random(rng.random()).shuffle(order)
        for name in order:
            note = _monitor_post(dep, name, delay=index)
            if note:
                with lock:
                    accepted.append(note)
    threads = [threading.Thread(target=monitor, args=(i,))
               for i in range(monitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    statuses = {note: _final_status(dep, note, 240) for note in accepted}
    recoveries: dict[str, int] = {}
    for note in accepted:
        moves = dep.call("GET", f"/notifications/{note}/vmoves")["vmoves"]
        if moves:
            host = moves[0]["source_host"]
            recoveries[host] = recoveries.get(host, 0) + 1
    lost = sum(1 for name in failed if name not in recoveries)
    lost += sum(1 for s in statuses.values()
                if s not in ("finished", "ignored"))
    duplicated = sum(count - 1 for count in recoveries.values())
    moved_lost = moved_dup = 0
    for name in failed:
        one_lost, one_dup = chaos.moved_once(sim, servers[name], name, since)
        moved_lost += one_lost
        moved_dup += one_dup
    tally.add(lost + moved_lost, duplicated + moved_dup)
    report(f"trial {trial + 1}: {len(accepted)} reports accepted of "
           f"{hosts * monitors}, {sum(recoveries.values())} recoveries, "
           f"statuses {sorted(set(statuses.values()))}")


def reserved_lock_kill(trials: int, seed: int = 0,
                       backends: tuple[str, ...] = BACKENDS,
                       report: Report = _quiet) -> chaos.Tally:
    """Two engines; the one recovering a host onto the segment's reserved
    hosts (holding a reserved host's lock) is SIGKILLed, and a second
    host of the segment fails: the other engine finishes both recoveries.

    ``backends``: the databases of the trials in turn: SQLite (the lock
    is a flock), MariaDB (GET_LOCK) and PostgreSQL (advisory locks), the
    latter two as new databases on the servers of
    $MASAKARI_TEST_MYSQL_URL / $MASAKARI_TEST_POSTGRESQL_URL (a backend
    whose variable is unset is left out).
    """
    servers = [b for b in backends
               if b == "sqlite" or os.environ.get(SERVER_ENV[b])]
    rng = random.Random(seed)
    tally = chaos.Tally(
        "engine SIGKILLed while holding a reserved host's lock, a second "
        f"engine running, on {', '.join(servers)} in turn; checked: both "
        "notifications finished, evacuate calls per VM, VMs active on the "
        "reserved hosts")
    for trial in range(trials):
        backend = servers[trial % len(servers)]
        server = os.environ.get(SERVER_ENV.get(backend, ""), "")
        name = f"masakari_chaos_{os.getpid()}_{trial}"
        db_url = services.create_database(server, name) if server else None
        # slow rebuilds: the engine is still evacuating onto the reserved
        # host (holding its lock) when it is killed
        with chaos.simulator(scale=2.0) as sim:
            dep = _deployment(sim, db_url=db_url,
                              wait_period_after_evacuation=60)
            good = False
            try:
                good = _reserved_trial(dep, sim, tally, rng, trial, report)
            finally:
                dep.stop(print_logs=not good)
                if server:
                    services.drop_database(server, name)
    return tally


def _reserved_trial(dep: Deployment, sim: Any, tally: chaos.Tally,
                    rng: random.Random, trial: int, report: Report) -> bool:
    dep.start_api()
    dep.start_engine("engine-a")
    dep.start_engine("engine-b")
    names = ["h1", "h2", "h3", "r1", "r2"]
    for name in names:
        sim.add_host(name, vcpus=256, memory_mb=1 << 20)
    counts = {"h1": RESERVED_VMS, "h2": 5}
    servers = {name: [sim.add_server(name, metadata=chaos.HA)
                      for _ in range(count)]
               for name, count in counts.items()}
    dep.make_segment(names, method="reserved_host", reserved=("r1", "r2"))
    sim.kill_host("h1")
    sim.kill_host("h2")
    since = sim.journal.last_seq()
    first = dep.notify_host_down("h1")
    point = rng.randint(1, RESERVED_VMS - 1)
    waits.wait_until(lambda: sum(chaos.evacuations(sim, since).values())
                     >= point, 120, interval=0.01,
                     what="evacuations onto the reserved host")
    holder = next(name for name in ("engine-a", "engine-b")
                  if f"claimed notification {first}" in dep.log(name))
    dep.kill(holder)
    at_kill = dep.notification(first)["status"]
    second = dep.notify_host_down("h2")
    statuses = [_final_status(dep, note, 240) for note in (first, second)]
    lost = duplicated = 0
    for name in counts:
        one_lost, one_dup = chaos.moved_once(sim, servers[name], name, since)
        lost += one_lost
        duplicated += one_dup
    total = sum(counts.values())
    on_reserved = sum(1 for group in servers.values() for s in group
                      if sim.get_server(s.id).host in ("r1", "r2"))
    problem = None
    if at_kill != "running":
        problem = f"first notification {at_kill} when its engine was killed"
    elif statuses != ["finished", "finished"]:
        problem = f"notifications {statuses}"
    elif on_reserved != total:
        problem = f"{on_reserved} of {total} VMs on the reserved hosts"
    good = tally.add(lost, duplicated, problem)
    report(f"trial {trial + 1} ({dep.db_url.split(':')[0]}): killed after "
           f"{point} evacuations ({at_kill}): {statuses}, lost {lost}, "
           f"duplicated {duplicated}")
    return good
