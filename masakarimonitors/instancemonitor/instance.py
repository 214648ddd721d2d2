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

"""masakari-instancemonitor: libvirt domain events -> VM notifications."""

import os
import socket
import threading

from oslo_config import cfg
from oslo_log import log as logging

from masakarimonitors.common import libvirt_events
from masakarimonitors.common import manager
from masakarimonitors.common import notifier as notifier_mod
from masakarimonitors.instancemonitor import event_map as em
from masakarimonitors.instancemonitor import snapshot as snapshot_mod

LOG = logging.getLogger(__name__)

# How each callback's own arguments (after conn, dom; before opaque) map
# to (event_type, detail), following the argument lists of libvirt's
# domain event callbacks.
_ARGUMENTS = {
    em.LIFECYCLE: lambda args: (args[0], args[1]),
    em.REBOOT: lambda args: (em.NA, em.NA),
    em.WATCHDOG: lambda args: (args[0], em.NA),
    em.IO_ERROR: lambda args: (args[2], em.NA),
    em.IO_ERROR_REASON: lambda args: (em.NA, em.NA),
    em.CONTROL_ERROR: lambda args: (em.NA, em.NA),
}

# Domain state values of virDomainState used by the re-scan.
_RUNNING_STATES = frozenset({1, 2, 3})   # running, blocked, paused
_SHUTOFF = 5

# Lifecycle type -> "was running" bookkeeping for the re-scan.
_LIFECYCLE_RUNNING = {em.STARTED: True, em.RESUMED: True,
                      em.SUSPENDED: True, em.STOPPED: False,
                      em.SHUTDOWN: False, em.CRASHED: False}
_UNDEFINED = 1
SNAPSHOT_FILE = "instancemonitor-domains.json"
SNAPSHOT_REFRESH = 60.0


def hostname(conf) -> str:
    return conf.hostname or socket.gethostname()


def build_notification(host: str, event: str, vir_domain_event: str,
                       instance_uuid: str) -> dict:
    return {
        "type": "VM",
        "hostname": host,
        "generated_time": notifier_mod.utcnow(),
        "payload": {"event": event, "instance_uuid": instance_uuid,
                    "vir_domain_event": vir_domain_event},
    }


class InstancemonitorManager(manager.Manager):
    """Listens to libvirt and reports the domain events that mean a guest
    failed (see :mod:`masakarimonitors.instancemonitor.event_map`)."""

    # Seconds after a (re)connect at which domains that still looked
    # running are listed again (see _recheck).
    RECHECK_DELAYS: tuple = (1.0, 2.0, 4.0, 8.0, 16.0)

    def __init__(self, conf: cfg.ConfigOpts, notifier,
                 libvirt_module=None, opener=None,
                 event_loop: libvirt_events.EventLoop | None = None) -> None:
        super().__init__(conf)
        self._libvirt = libvirt_module
        self._opener = opener
        self.event_loop = event_loop or libvirt_events.EventLoop()
        self._use_sender(
            notifier,
            workers=conf.instancemonitor.notification_workers,
            max_pending=conf.instancemonitor.max_pending_events,
            name="vm-notify")
        self._running_domains: dict = {}
        self._domains_lock = threading.Lock()
        self.connection: libvirt_events.EventConnection | None = None
        self._recheck_thread: threading.Thread | None = None
        max_age = conf.instancemonitor.snapshot_max_age
        self.snapshot = (snapshot_mod.DomainSnapshot(
            os.path.join(conf.state_path, SNAPSHOT_FILE), max_age)
            if max_age > 0 else None)
        # Event callbacks only ask for a write; this thread does the I/O.
        self.snapshot_writer = (snapshot_mod.SnapshotWriter(
            self.snapshot, self._domains_copy)
            if self.snapshot is not None else None)

    @classmethod
    def from_context(cls, context) -> "InstancemonitorManager":
        return cls(context.conf, context.notifier,
                   event_loop=context.event_loop)

    @property
    def libvirt(self):
        if self._libvirt is None:
            import libvirt
            self._libvirt = libvirt
        return self._libvirt

    def init_host(self) -> None:
        self.libvirt  # fail early (exit 1) when libvirt-python is missing
        self._start_sending()

    def main(self) -> None:
        callbacks = {event_id: self._make_callback(event_id)
                     for event_id in em.REGISTERED_EVENT_IDS}
        self.connection = libvirt_events.EventConnection(
            self.libvirt, self.conf.libvirt.connection_uri, callbacks,
            self.stop_event, self.event_loop, on_connect=self._on_connect,
            opener=self._opener,
            backoff_max=self.conf.libvirt.reconnect_interval_max)
        refresher = threading.Thread(target=self._refresh_snapshot,
                                     daemon=True, name="domain-snapshot")
        refresher.start()
        self.connection.run()
        refresher.join(5)

    def _refresh_snapshot(self) -> None:
        """Keep the snapshot's timestamp fresh while connected."""
        while not self.stop_event.wait(SNAPSHOT_REFRESH):
            if self.connection is not None and (
                    self.connection.connected.is_set()):
                self._save_snapshot()

    def _domains_copy(self) -> dict:
        with self._domains_lock:
            return dict(self._running_domains)

    def _save_snapshot(self) -> None:
        """Write the snapshot now (never on libvirt's event thread)."""
        if self.snapshot_writer is not None:
            self.snapshot_writer.write_now()

    def stop(self) -> None:
        super().stop()
        if self.snapshot_writer is not None:
            self.snapshot_writer.stop()

    def _make_callback(self, event_id: int):
        extract = _ARGUMENTS[event_id]

        def callback(_conn, dom, *rest):
            try:
                event_type, detail = extract(rest[:-1])
                self.handle_event(event_id, event_type, detail,
                                  dom.UUIDString())
            except Exception:
                LOG.exception("Failed to handle libvirt event %s", event_id)
        return callback

    def handle_event(self, event_id: int, event_type: int, detail: int,
                     instance_uuid: str) -> bool:
        """Filter one event; queue a notification when it matches."""
        if event_id == em.LIFECYCLE:
            self._track(instance_uuid, event_type)
        match = em.lookup(event_id, event_type, detail)
        if match is None:
            LOG.debug("Ignoring libvirt event %s/%s/%s of %s", event_id,
                      event_type, detail, instance_uuid)
            return False
        event, vir_domain_event = match
        LOG.info("Instance %s: %s %s", instance_uuid, event,
                 vir_domain_event)
        notification = build_notification(self.hostname, event,
                                          vir_domain_event, instance_uuid)
        return self.dispatcher.submit(
            (instance_uuid, event, vir_domain_event), notification)

    def _track(self, instance_uuid: str, event_type: int) -> None:
        with self._domains_lock:
            before = self._running_domains.get(instance_uuid)
            if event_type == _UNDEFINED:
                self._running_domains.pop(instance_uuid, None)
            elif event_type in _LIFECYCLE_RUNNING:
                self._running_domains[instance_uuid] = (
                    _LIFECYCLE_RUNNING[event_type])
            changed = self._running_domains.get(instance_uuid) != before
        if changed and self.snapshot_writer is not None:
            # Called on libvirt's event thread: the writer does the I/O.
            self.snapshot_writer.request()

    def _on_connect(self, conn, first: bool) -> None:
        """Snapshot domain states; after a reconnect report what was missed.

        A domain that was running before the connection dropped (or, at
        start, according to a recent snapshot file) and is shut off now
        gets the lifecycle STOPPED notification libvirt sent while nobody
        was listening. Those still shown as running are looked at again
        for a little while (see :meth:`_recheck`).
        """
        current = self._domain_states(conn)
        with self._domains_lock:
            previous = dict(self._running_domains)
            self._running_domains = {
                uuid: state in _RUNNING_STATES
                for uuid, (state, _) in current.items()}
        if first:
            saved = self.snapshot.load() if self.snapshot else None
            # Only now, with the saved states read, may the writer
            # replace the file.
            self._save_snapshot()
            if self.snapshot_writer is not None:
                self.snapshot_writer.start()
            if saved is None:
                return
            previous = saved
        else:
            self._save_snapshot()
        for uuid, (state, reason) in current.items():
            if previous.get(uuid) and state == _SHUTOFF:
                self._report_missed_stop(uuid, reason)
        suspects = {uuid for uuid, (state, _) in current.items()
                    if previous.get(uuid) and state in _RUNNING_STATES}
        if suspects and self.RECHECK_DELAYS:
            self._recheck_thread = threading.Thread(
                target=self._recheck, args=(conn, suspects), daemon=True,
                name="domain-recheck")
            self._recheck_thread.start()

    def _domain_states(self, conn) -> dict:
        """uuid -> (state, reason) of every domain libvirt knows."""
        current = {}
        for dom in conn.listAllDomains(0):
            try:
                current[dom.UUIDString()] = dom.state()
            except self.libvirt.libvirtError:
                continue
        return current

    def _report_missed_stop(self, uuid: str, reason: int) -> None:
        detail = em.SHUTOFF_REASON_TO_DETAIL.get(reason)
        if detail is None:
            return
        LOG.warning("Instance %s stopped while libvirt was unreachable",
                    uuid)
        self.handle_event(em.LIFECYCLE, em.STOPPED, detail, uuid)

    def _recheck(self, conn, suspects: set) -> None:
        """Look again at domains that were running across a reconnect.

        A restarted libvirtd reconnects to its guests in the background:
        a client that connects first still sees a guest that died during
        the outage as running, and libvirt later marks it shut off without
        a lifecycle event. So list the domains again RECHECK_DELAYS
        seconds after connecting and report those found shut off that no
        event has reported since.
        """
        waited = 0.0
        for delay in self.RECHECK_DELAYS:
            if self.stop_event.wait(max(delay - waited, 0.0)):
                return
            waited = delay
            try:
                current = self._domain_states(conn)
            except self.libvirt.libvirtError:
                return  # the connection is gone; the next one rescans
            stopped = []
            with self._domains_lock:
                for uuid in sorted(suspects):
                    state, reason = current.get(uuid, (None, None))
                    if state in _RUNNING_STATES:
                        continue
                    suspects.discard(uuid)
                    if state == _SHUTOFF and self._running_domains.get(uuid):
                        self._running_domains[uuid] = False
                        stopped.append((uuid, reason))
            if stopped:
                self._save_snapshot()
            for uuid, reason in stopped:
                self._report_missed_stop(uuid, reason)
            if not suspects:
                return
