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
"""Servers that go away under load: RabbitMQ stopped during a storm of
notifications, the database restarted while notifications arrive."""

from __future__ import annotations

import concurrent.futures
import json
import random
import threading
import time
import urllib.error
from typing import Any, Callable

from masakari.testing import chaos
from masakari.testing import services
from masakari.testing import waits
from masakari.testing.deployment import Deployment

Report = Callable[[str], object]
HOSTS = [f"storm-{i}" for i in range(5)]
ENGINE = {**chaos.FAST_ENGINE, "notification_retry_backoff": 1}


def _quiet(_line: str) -> None:
    return None


def _setup(dep: Deployment, sim: Any) -> None:
    for name in HOSTS:
        sim.add_host(name)
    dep.start_api()
    dep.start_engine()
    dep.make_segment(HOSTS)


def post_process_failure(dep: Deployment, index: int) -> tuple[int, Any]:
    """A process failure report (handled without Nova: the process is not
    nova-compute); (HTTP status, notification uuid or the error body)."""
    body = {"notification": {
        "type": "PROCESS", "hostname": HOSTS[index % len(HOSTS)],
        "generated_time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
        "payload": {"event": "STOPPED", "process_name": f"proc-{index}"}}}
    try:
        answer = dep.call("POST", "/notifications", body)
        return 202, answer["notification"]["notification_uuid"]
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            return err.code, json.loads(raw)
        except ValueError:
            return err.code, raw[:200]
    except OSError as err:
        return 0, str(err)


def standard_fault(status: int, body: Any) -> bool:
    """The API's error envelope: {"<name>": {"code": status, "message"}}."""
    if not isinstance(body, dict) or len(body) != 1:
        return False
    inner = next(iter(body.values()))
    return (isinstance(inner, dict) and inner.get("code") == status
            and isinstance(inner.get("message"), str))


def _unfinished(dep: Deployment, accepted: list[str],
                timeout: float) -> list[str]:
    """The accepted notifications that did not finish within ``timeout``
    seconds (all of them given one deadline)."""
    deadline = time.monotonic() + timeout

    def pending() -> list[str]:
        return [note for note in accepted
                if dep.call("GET", f"/notifications/{note}",
                            version="1.0")["notification"]["status"]
                != "finished"]
    left = pending()
    while left and time.monotonic() < deadline:
        time.sleep(0.5)
        left = pending()
    return left


def broker_storm(trials: int, seed: int = 0, notifications: int = 100,
                 outage: float = 60.0, report: Report = _quiet
                 ) -> chaos.Tally:
    """RabbitMQ (a private node) stopped for ``outage`` seconds while
    ``notifications`` reports arrive: a tenth before the stop, the rest
    spread over the outage. Every accepted one must be processed.

    A trial is one notification (``trials`` storms of them).
    """
    tally = chaos.Tally(
        f"RabbitMQ stopped {outage:.0f} s during a storm of "
        f"{notifications} notifications; checked: every accepted "
        "notification finished, no 5xx")
    rng = random.Random(seed)
    with services.RabbitMQ() as broker, chaos.simulator() as sim:
        dep = Deployment(sim, transport_url=broker.url,
                         extra={"DEFAULT": ENGINE})
        try:
            _setup(dep, sim)
            for trial in range(trials):
                _storm_trial(dep, broker, tally, rng, trial, notifications,
                             outage, report)
        finally:
            dep.stop(print_logs=not tally.clean)
    return tally


def _storm_trial(dep: Deployment, broker: services.RabbitMQ,
                 tally: chaos.Tally, rng: random.Random, trial: int,
                 count: int, outage: float, report: Report) -> None:
    base = trial * count
    before = max(1, count // 10)
    stop_at = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        futures = [pool.submit(post_process_failure, dep, base + i)
                   for i in range(before)]
        concurrent.futures.wait(futures, 60)
        broker.stop()
        stop_at = time.monotonic()
        # the rest at random moments of the outage
        moments = sorted(rng.uniform(0, outage * 0.9)
                         for _ in range(count - before))
        for i, moment in enumerate(moments, start=before):
            delay = stop_at + moment - time.monotonic()
            if delay > 0:
                threading.Event().wait(delay)
            futures.append(pool.submit(post_process_failure, dep, base + i))
        threading.Event().wait(max(0.0, stop_at + outage - time.monotonic()))
        broker.start()
        answers = [f.result(timeout=180) for f in futures]
    accepted = [body for status, body in answers if status == 202]
    bad = [(status, body) for status, body in answers if status != 202]
    left = set(_unfinished(dep, accepted, 240))
    for status, body in answers:  # a trial per notification
        if status != 202:
            tally.add(problem=f"HTTP {status}: {body}")
        else:
            tally.add(lost=int(body in left),
                      problem="not finished" if body in left else None)
    report(f"trial {trial + 1}: {len(accepted)} of {count} accepted, "
           f"{len(left)} unfinished, other answers {len(bad)}")


def db_restart(trials: int, seed: int = 0,
               backends: tuple[str, ...] = ("mariadb", "postgresql"),
               outage: float = 10.0, report: Report = _quiet
               ) -> chaos.Tally:
    """Each trial restarts each backend (a private server) while a client
    keeps posting notifications: while the database is gone every answer
    is a 503 with the standard error body (never a 500), and every
    notification accepted before or after finishes."""
    tally = chaos.Tally(
        f"{' and '.join(backends)} stopped {outage:.0f} s and restarted "
        "while notifications arrive; checked: answers during the outage "
        "(503 with the error body, never 500), every accepted "
        "notification finished")
    classes = {"mariadb": services.MariaDB,
               "postgresql": services.PostgreSQL}
    for backend in backends:
        with classes[backend]() as server, chaos.simulator() as sim:
            url = services.create_database(server.url, "masakari_chaos")
            dep = Deployment(sim, db_url=url, extra={"DEFAULT": ENGINE})
            try:
                _setup(dep, sim)
                for trial in range(trials):
                    _restart_trial(dep, server, tally, trial, outage,
                                   f"{backend} {trial + 1}", report)
            finally:
                dep.stop(print_logs=not tally.clean)
    return tally


def _restart_trial(dep: Deployment, server: services.Server,
                   tally: chaos.Tally, trial: int, outage: float,
                   label: str, report: Report) -> None:
    stop = threading.Event()
    answers: list[tuple[str, int, Any]] = []
    phase = ["before"]

    def client() -> None:
        index = trial * 100000
        while not stop.is_set():
            index += 1
            status, body = post_process_failure(dep, index)
            answers.append((phase[0], status, body))
            stop.wait(0.05)
    thread = threading.Thread(target=client)
    thread.start()
    try:
        waits.wait_until(lambda: len(answers) >= 10, 60,
                         what="notifications before the restart")
        server.stop()
        phase[0] = "down"
        threading.Event().wait(outage)
        phase[0] = "restart"
        server.start()
        phase[0] = "after"
        count = len(answers)
        waits.wait_until(lambda: len(answers) >= count + 10, 120,
                         what="notifications after the restart")
    finally:
        stop.set()
        thread.join(120)
    accepted = [body for _, status, body in answers if status == 202]
    refused = [(p, s, b) for p, s, b in answers if s != 202]
    wrong = [(p, s, b) for p, s, b in refused
             if s != 503 or not standard_fault(s, b)]
    during = sum(1 for p, s, _ in answers if p == "down" and s == 503)
    left = _unfinished(dep, accepted, 240)
    problem = None
    if wrong:
        problem = f"{len(wrong)} answers not a standard 503: {wrong[:3]}"
    elif not during:
        problem = "no 503 while the database was down"
    tally.add(lost=len(left), problem=problem)
    report(f"trial {label}: {len(accepted)} accepted, {len(refused)} "
           f"refused with 503 ({during} while down), {len(left)} "
           f"unfinished, {len(wrong)} wrong answers")
