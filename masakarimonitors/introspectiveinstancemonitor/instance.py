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

"""masakari-introspectiveinstancemonitor: QEMU guest-agent heartbeats.

Every ``guest_monitoring_interval`` seconds each running guest with a
guest-agent channel is pinged (in parallel, bounded pool) over one
persistent libvirt connection; the per-guest state machine of
:mod:`.state` decides when to report QEMU_GUEST_AGENT_ERROR. A lifecycle
STARTED event (listened for on a separate read-only connection) resets the
guest's journal.
"""

import concurrent.futures
import threading
import time

from oslo_config import cfg
from oslo_log import log as logging

from masakarimonitors.common import libvirt_events
from masakarimonitors.common import manager
from masakarimonitors.common import notifier as notifier_mod
from masakarimonitors.introspectiveinstancemonitor import guest
from masakarimonitors.introspectiveinstancemonitor import state

LOG = logging.getLogger(__name__)

LIFECYCLE = 0
REBOOT = 1
STARTED = 2
ACTIVE_DOMAINS = 1   # VIR_CONNECT_LIST_DOMAINS_ACTIVE


class IntrospectiveInstanceMonitorManager(manager.Manager):

    def __init__(self, conf: cfg.ConfigOpts, notifier, libvirt_module=None,
                 libvirt_qemu=None, clock=time.monotonic, pinger=None,
                 event_loop: libvirt_events.EventLoop | None = None) -> None:
        super().__init__(conf)
        self._libvirt = libvirt_module
        self._libvirt_qemu = libvirt_qemu
        self.opts = conf.introspectiveinstancemonitor
        self.clock = clock
        self.event_loop = event_loop or libvirt_events.EventLoop()
        self._use_sender(notifier, name="agent-notify")
        self.pinger = pinger or (
            lambda dom: guest.ping(self.libvirt_qemu, dom,
                                   self.opts.guest_monitoring_timeout))
        self.journals: dict = {}
        self._journal_lock = threading.Lock()
        self._busy: dict = {}
        self._conn = None
        self._pool = None
        self.listener: libvirt_events.EventConnection | None = None

    @classmethod
    def from_context(cls, context) -> "IntrospectiveInstanceMonitorManager":
        return cls(context.conf, context.notifier,
                   event_loop=context.event_loop)

    @property
    def libvirt(self):
        if self._libvirt is None:
            import libvirt
            self._libvirt = libvirt
        return self._libvirt

    @property
    def libvirt_qemu(self):
        if self._libvirt_qemu is None:
            import libvirt_qemu
            self._libvirt_qemu = libvirt_qemu
        return self._libvirt_qemu

    # -- life cycle -------------------------------------------------------
    def init_host(self) -> None:
        self.libvirt  # fail early when libvirt-python is missing
        self._start_sending()
        self._pool = concurrent.futures.ThreadPoolExecutor(
            self.opts.ping_workers, thread_name_prefix="guest-ping")

    def main(self) -> None:
        self.listener = libvirt_events.EventConnection(
            self.libvirt, self.conf.libvirt.connection_uri,
            {LIFECYCLE: self._on_lifecycle, REBOOT: self._on_reboot},
            self.stop_event, self.event_loop,
            backoff_max=self.conf.libvirt.reconnect_interval_max)
        listener = threading.Thread(target=self.listener.run, daemon=True,
                                    name="lifecycle-listener")
        listener.start()
        interval = self.opts.guest_monitoring_interval
        next_tick = self.clock()
        while self.running:
            try:
                self.check_once()
            except Exception:
                LOG.exception("Guest check failed")
            next_tick = max(next_tick + interval, self.clock())
            self.stop_event.wait(max(next_tick - self.clock(), 0))
        listener.join(5)

    def stop(self) -> None:
        super().stop()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._close()

    # -- events -----------------------------------------------------------
    def _on_lifecycle(self, _conn, dom, event, _detail, _opaque) -> None:
        if event == STARTED:
            self.reset_journal(dom.UUIDString())

    def _on_reboot(self, _conn, _dom, _opaque) -> None:
        """Reboots do not reset the journal (the agent may stay down)."""

    def reset_journal(self, uuid: str) -> None:
        with self._journal_lock:
            self.journals[uuid] = state.Journal(since=self.clock())

    # -- checks -----------------------------------------------------------
    def check_once(self) -> None:
        """Ping every eligible guest once and feed the state machine."""
        conn = self._connection()
        if conn is None:
            return
        try:
            domains = conn.listAllDomains(ACTIVE_DOMAINS)
        except self.libvirt.libvirtError as exc:
            LOG.warning("Cannot list domains: %s", exc)
            self._close()
            return
        eligible = []
        for dom in domains:
            try:
                if (dom.state()[0] == guest.RUNNING
                        and guest.has_agent_channel(
                            dom.XMLDesc(0),
                            self.opts.qemu_guest_agent_sock_path)):
                    eligible.append(dom)
            except self.libvirt.libvirtError as exc:
                LOG.warning("Skipping a domain: %s", exc)
        self._forget_gone({dom.UUIDString() for dom in eligible})
        futures = {}
        for dom in eligible:
            uuid = dom.UUIDString()
            lock = self._busy.setdefault(uuid, threading.Lock())
            if not lock.acquire(blocking=False):
                LOG.debug("Previous ping of %s still running", uuid)
                continue
            futures[self._submit(dom, lock)] = uuid
        for future in concurrent.futures.as_completed(futures):
            self.record(futures[future], future.result())

    def record(self, uuid: str, pingable: bool) -> bool:
        """Feed one ping result; True when a report was queued."""
        now = self.clock()
        with self._journal_lock:
            journal = self.journals.get(uuid)
            if journal is None:
                journal = self.journals[uuid] = state.Journal(since=now)
            report = state.process(
                journal, pingable, now,
                self.opts.guest_monitoring_failure_threshold,
                self.opts.guest_discovery_timeout)
        if report:
            LOG.warning("Guest agent of %s does not answer: reporting", uuid)
            self.dispatcher.submit(("QEMU_GUEST_AGENT_ERROR", uuid), {
                "type": "VM",
                "hostname": self.hostname,
                "generated_time": notifier_mod.utcnow(),
                "payload": {"event": "QEMU_GUEST_AGENT_ERROR",
                            "instance_uuid": uuid,
                            "vir_domain_event": "STOPPED_FAILED"},
            })
        return report

    def _submit(self, dom, lock):
        def task():
            try:
                return bool(self.pinger(dom))
            finally:
                lock.release()
        return self._pool.submit(task)

    def _forget_gone(self, alive: set) -> None:
        with self._journal_lock:
            for uuid in set(self.journals) - alive:
                del self.journals[uuid]
        for uuid in set(self._busy) - alive:
            lock = self._busy[uuid]
            if lock.acquire(blocking=False):    # not being pinged
                del self._busy[uuid]
                lock.release()

    def _connection(self):
        conn = self._conn
        if conn is not None:
            try:
                if conn.isAlive():
                    return conn
            except self.libvirt.libvirtError:
                pass
            self._close()
        try:
            self._conn = self.libvirt.open(self.conf.libvirt.connection_uri)
        except self.libvirt.libvirtError as exc:
            LOG.warning("Cannot connect to libvirt: %s", exc)
            self._conn = None
        return self._conn

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass
