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

"""Detection latency of masakari-instancemonitor and idle cost of monitors.

Usage (root, with libvirt-daemon-system, qemu-system-x86, libvirt-python):

    .venv/bin/python tools/bench/detection.py [--kills 20] [--idle 10]

1. Starts a private libvirtd, a recording fake masakari API and a real
   ``masakari-instancemonitor``; then ``--kills`` times starts a tiny TCG
   domain and ``kill -9``s its qemu process. For each kill it records when
   libvirt delivered the lifecycle event (to a listener in this process)
   and when the API received the notification, and prints p50/p95 of
   kill->event, kill->accepted and event->accepted (the monitor's own
   share; target p50 <= 0.2 s).
2. Starts each monitor daemon idle for ``--idle`` seconds and prints its
   resident memory (RSS, and PSS which splits shared libraries among
   their users; target <= 40 MB) and CPU time.
"""

import argparse
import os
import signal
import statistics
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from masakarimonitors.testing import daemon as daemon_mod  # noqa: E402
from masakarimonitors.testing import helpers  # noqa: E402
from masakarimonitors.testing import fakeapi  # noqa: E402
from masakarimonitors.testing import libvirtd as libvirtd_mod  # noqa: E402,E501


class TimedAPI(fakeapi.FakeMasakariAPI):
    """Fake API that also records the arrival time of each POST."""

    def __init__(self):
        super().__init__()
        self.arrivals = {}

    def _record(self, path, raw):
        status = super()._record(path, raw)
        body = self.requests[-1][1].get("notification") or {}
        uuid = (body.get("payload") or {}).get("instance_uuid")
        self.arrivals.setdefault(uuid, time.monotonic())
        return status


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(int(round(fraction * (len(ordered) - 1))), len(ordered) - 1)
    return ordered[index]


def summary(name, values):
    return (f"{name:<18} p50 {statistics.median(values) * 1000:8.1f} ms   "
            f"p95 {percentile(values, 0.95) * 1000:8.1f} ms   "
            f"max {max(values) * 1000:8.1f} ms   n={len(values)}")


def bench_kills(kills, workdir):
    import libvirt
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl()
                                     for _ in iter(int, 1)],
                     daemon=True).start()
    lvd = libvirtd_mod.Libvirtd(os.path.join(workdir, "libvirt")).start()
    api = TimedAPI().start()
    conf = daemon_mod.write_conf(os.path.join(workdir, "im.conf"), {
        "DEFAULT": {"hostname": "bench", "state_path": workdir + "/st"},
        "api": {"auth_type": "none", "endpoint": api.endpoint},
        "libvirt": {"connection_uri": lvd.uri},
    })
    mon = daemon_mod.Daemon("instancemonitor", conf,
                            os.path.join(workdir, "im.log")).start()
    events = {}
    try:
        conn = libvirt.open(lvd.uri)

        def on_event(_conn, dom, event, detail, _opaque):
            if (event, detail) == (5, 5):
                events.setdefault(dom.UUIDString(), time.monotonic())

        conn.domainEventRegisterAny(None, 0, on_event, None)
        mon.wait_for_log("Listening for libvirt events", timeout=60)
        to_event, to_accept, share = [], [], []
        for _ in range(kills):
            dom, name = lvd.define_and_start(conn)
            uuid = dom.UUIDString()
            pid = lvd.qemu_pid(name)
            killed = time.monotonic()
            os.kill(pid, signal.SIGKILL)
            helpers.wait_until(lambda: uuid in api.arrivals
                               and uuid in events, timeout=60,
                               message="event and notification")
            to_event.append(events[uuid] - killed)
            to_accept.append(api.arrivals[uuid] - killed)
            share.append(api.arrivals[uuid] - events[uuid])
            dom.undefine()
            lvd.domains.remove(name)
        print(summary("kill -> event", to_event))
        print(summary("kill -> accepted", to_accept))
        print(summary("event -> accepted", share))
        conn.close()
    finally:
        mon.stop()
        api.stop()
        lvd.stop(libvirt)


def rss_and_cpu(pid):
    with open(f"/proc/{pid}/status") as handle:
        rss = next(int(line.split()[1]) for line in handle
                   if line.startswith("VmRSS"))
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            pss = next(int(line.split()[1]) for line in handle
                       if line.startswith("Pss:"))
    except (OSError, StopIteration):
        pss = rss
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return rss / 1024.0, pss / 1024.0, ticks / os.sysconf("SC_CLK_TCK")


def bench_idle(seconds, workdir):
    plist = os.path.join(workdir, "process_list.yaml")
    with open(plist, "w") as handle:
        handle.write(f"- process_name: {sys.executable}\n"
                     "  start_command: /bin/true\n"
                     "  restart_command: /bin/true\n")
    api = TimedAPI().start()
    lvd = None
    uri = "test:///default"
    if libvirtd_mod.available():
        import libvirt
        lvd = libvirtd_mod.Libvirtd(os.path.join(workdir, "idle-lv")).start()
        uri = lvd.uri
    try:
        for name in ("processmonitor", "instancemonitor",
                     "introspectiveinstancemonitor"):
            conf = daemon_mod.write_conf(
                os.path.join(workdir, f"{name}.conf"), {
                    "DEFAULT": {"state_path": workdir + "/st-" + name},
                    "api": {"auth_type": "none", "endpoint": api.endpoint},
                    "libvirt": {"connection_uri": uri},
                    "process": {"process_list_path": plist},
                })
            mon = daemon_mod.Daemon(name, conf, os.path.join(
                workdir, f"{name}.log")).start()
            try:
                threading.Event().wait(3)       # let it settle
                _, _, cpu0 = rss_and_cpu(mon.proc.pid)
                start = time.monotonic()
                threading.Event().wait(seconds)
                rss, pss, cpu1 = rss_and_cpu(mon.proc.pid)
                elapsed = time.monotonic() - start
                print(f"{name:<30} RSS {rss:6.1f} MB   PSS {pss:6.1f} MB   "
                      "CPU "
                      f"{100 * (cpu1 - cpu0) / elapsed:5.2f} % over "
                      f"{elapsed:.0f} s")
            finally:
                mon.stop()
    finally:
        api.stop()
        if lvd is not None:
            lvd.stop(libvirt)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--idle", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mon-bench-") as workdir:
        if args.kills > 0:
            if not libvirtd_mod.available():
                sys.exit("needs root, libvirtd, virtlogd and qemu")
            bench_kills(args.kills, workdir)
        if args.idle > 0:
            bench_idle(args.idle, workdir)


if __name__ == "__main__":
    main()
