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

"""The taskflow recovery driver.

Each flow run is persisted in taskflow's SQL backend under a logbook whose
uuid is the notification uuid; every run adds a flow detail whose meta says
which workflow (auto, rh, instance, process) ran, so the details API lists
tasks in the order of the workflow that actually ran, also after a fallback
from one host workflow to the other.

The driver gets the engine's config at construction and, with every
notification, the engine's RecoveryRuntime (masakari.engine.driver_api),
which it hands to each task as ``runtime``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

import taskflow.engines
from taskflow import exceptions as tf_exc
from taskflow import flow as tf_flow
from taskflow.patterns import linear_flow
from taskflow.persistence import models as tf_models
from taskflow.utils import persistence_utils as p_utils

from masakari.engine import driver_api
from masakari.engine import exceptions
from masakari.engine.drivers.taskflow import flows
from masakari.engine.drivers.taskflow import persistence

LOG = logging.getLogger(__name__)
RETRIES = "masakari_retries"  # logbook meta key: periodic retries so far

# recovery_method -> workflow kinds tried in order (the second one is the
# fallback when the first fails).
HOST_METHODS = {
    "auto": ("auto",),
    "reserved_host": ("rh",),
    "auto_priority": ("auto", "rh"),
    "rh_priority": ("rh", "auto"),
}
DEFAULT_METHOD = "rh_priority"
# Outcomes that end a host recovery without trying the fallback workflow.
NO_FALLBACK = (
    exceptions.SkipHostRecoveryException,
    exceptions.RecoveryCancelled,
    # A fallback flow would meet the same gate or the same missing proof.
    exceptions.HostNotFenced,
    exceptions.SafetyGateClosed,
)


def _backend_url(conf: Any) -> str:
    url = conf.taskflow.connection
    if not url:
        # Deliberate difference: upstream refuses to start; the main
        # database is a sound default (taskflow's tables do not clash).
        url = conf.database.connection
    return url


class TaskFlowDriver(driver_api.NotificationDriver):
    def __init__(
        self,
        conf: Any,
        nova_api: Any = None,
        backend_url: str | None = None,
        registry: flows.TaskRegistry | None = None,
    ) -> None:
        """``nova_api``: the Nova client (the engine passes one on its
        sessions; built from ``conf`` when not given)."""
        self.conf = conf
        self.registry = registry or flows.TaskRegistry()
        self.task_lists = flows.validate(conf, self.registry)
        if nova_api is None:
            from masakari.compute import nova

            nova_api = nova.API(conf=conf)
        self.nova = nova_api
        self.backend = persistence.fetch(backend_url or _backend_url(conf))
        self._book_lock = threading.Lock()
        # notification uuid -> (flow detail uuid, its tasks by atom name) of
        # the flow this engine runs now: the details API answers progress
        # not saved yet from there.
        self._running: dict[str, tuple[str, dict[str, Any]]] = {}
        self._running_lock = threading.Lock()
        with contextlib.closing(self.backend.get_connection()) as conn:
            conn.upgrade()

    def warm_up(self) -> None:
        """Load now what the first recovery would otherwise load.

        Taskflow's engine plugins (a stevedore scan and imports), the SQL
        statements of its persistence (compiled once per process; a
        throw-away flow runs and is deleted) and the Nova session's
        Keystone token. Errors are the caller's to log.
        """
        persistence.run_and_forget(
            self.backend, linear_flow.Flow("masakari-warm-up")
        )
        warm_up = getattr(self.nova, "warm_up", None)
        if warm_up is not None:
            warm_up()

    def upgrade_backend(self, backend: str) -> None:
        with contextlib.closing(persistence.fetch(backend)) as be:
            with contextlib.closing(be.get_connection()) as conn:
                conn.upgrade()

    # -- retry counts (kept in the notification's logbook) -------------
    def get_retry_count(self, notification_uuid: str) -> int:
        try:
            return int(self._book(notification_uuid).meta.get(RETRIES, 0))
        except (TypeError, ValueError):
            return 0

    def set_retry_count(self, notification_uuid: str, count: int) -> None:
        with self._book_lock:
            with contextlib.closing(self.backend.get_connection()) as conn:
                try:
                    book = conn.get_logbook(notification_uuid)
                except tf_exc.NotFound:
                    book = tf_models.LogBook(
                        notification_uuid, uuid=notification_uuid
                    )
                book.meta = dict(book.meta or {}, **{RETRIES: int(count)})
                conn.save_logbook(book)

    # -- running flows -------------------------------------------------
    @staticmethod
    def _runtime(kwargs: dict) -> driver_api.RecoveryRuntime:
        runtime = kwargs.get("runtime")
        if runtime is None:
            raise TypeError("the engine's runtime is required")
        return runtime

    def _book(self, notification_uuid: str) -> tf_models.LogBook:
        with (
            self._book_lock,
            contextlib.closing(self.backend.get_connection()) as conn,
        ):
            try:
                return conn.get_logbook(notification_uuid)
            except tf_exc.NotFound:
                book = tf_models.LogBook(
                    notification_uuid, uuid=notification_uuid
                )
                conn.save_logbook(book)
                return book

    def _run(
        self,
        context: Any,
        kind: str,
        store: dict,
        runtime: driver_api.RecoveryRuntime,
    ) -> None:
        task_kwargs = {
            "context": context,
            "novaclient": self.nova,
            "runtime": runtime,
        }
        flow = flows.build_flow(
            kind, self.task_lists[kind], self.registry, task_kwargs
        )
        book = self._book(store["notification_uuid"])
        with self._book_lock:
            meta = {"kind": kind, "run": len(book)}
            detail = p_utils.create_flow_detail(
                flow, book=book, backend=self.backend, meta=meta
            )
        engine = taskflow.engines.load(
            flow,
            store=store,
            flow_detail=detail,
            book=book,
            backend=self.backend,
        )
        notification_uuid = store["notification_uuid"]
        running = (detail.uuid, {t.name: t for t in _tasks(flow)})
        with self._running_lock:
            self._running[notification_uuid] = running
        try:
            engine.run()
        except tf_exc.WrappedFailure as wrapped:
            for fail in wrapped:
                fail.reraise()
            raise
        finally:
            with self._running_lock:
                if self._running.get(notification_uuid) is running:
                    del self._running[notification_uuid]

    def execute_host_failure(
        self,
        context: Any,
        host_name: str,
        recovery_method: str,
        notification_uuid: str,
        **kwargs: Any,
    ) -> None:
        runtime = self._runtime(kwargs)
        reserved = list(kwargs.get("reserved_host_list") or [])
        kinds = HOST_METHODS.get(recovery_method, HOST_METHODS[DEFAULT_METHOD])
        base_store = {
            "host_name": host_name,
            "notification_uuid": notification_uuid,
            "fenced": bool(kwargs.get("fenced", False)),
            "fence_evidence": kwargs.get("fence_evidence"),
        }
        for position, kind in enumerate(kinds):
            last = position == len(kinds) - 1
            try:
                if kind == "rh":
                    if not reserved:
                        raise exceptions.ReservedHostsUnavailable(
                            host_name=host_name
                        )
                    store = dict(base_store, reserved_host_list=reserved)
                else:
                    store = dict(base_store)
                self._run(context, kind, store, runtime)
                return
            except NO_FALLBACK:
                raise
            except Exception as err:
                if last:
                    raise
                LOG.warning(
                    "Host recovery '%s' of %s failed (%s); falling back",
                    kind,
                    host_name,
                    err,
                )

    def execute_instance_failure(
        self,
        context: Any,
        instance_uuid: str,
        notification_uuid: str,
        **kwargs: Any,
    ) -> None:
        runtime = self._runtime(kwargs)
        store = {
            "instance_uuid": instance_uuid,
            "notification_uuid": notification_uuid,
        }
        if kwargs.get("host_name"):
            store["host_name"] = kwargs["host_name"]
        self._run(context, "instance", store, runtime)

    def execute_process_failure(
        self,
        context: Any,
        process_name: str,
        host_name: str,
        notification_uuid: str,
        **kwargs: Any,
    ) -> None:
        if process_name != "nova-compute":
            raise exceptions.SkipProcessRecoveryException(
                reason=f"process {process_name} is not handled"
            )
        runtime = self._runtime(kwargs)
        store = {
            "process_name": process_name,
            "host_name": host_name,
            "notification_uuid": notification_uuid,
        }
        self._run(context, "process", store, runtime)

    # -- progress details ---------------------------------------------
    def get_notification_recovery_workflow_details(
        self, context: Any, notification_uuid: str
    ) -> list[dict]:
        with contextlib.closing(self.backend.get_connection()) as conn:
            try:
                book = conn.get_logbook(notification_uuid)
            except tf_exc.NotFound:
                return []
        live = self._unsaved_progress(notification_uuid)
        details: list[dict] = []
        for flow_detail in sorted(
            book, key=lambda fd: (fd.meta or {}).get("run", 0)
        ):
            kind = (flow_detail.meta or {}).get("kind")
            order = self._atom_order(kind)
            atoms = sorted(
                flow_detail, key=lambda ad: order.get(ad.name, len(order))
            )
            unsaved = live.get(flow_detail.uuid, {})
            for atom in atoms:
                entry = _progress_entry(atom, unsaved.get(atom.name))
                if entry is not None:
                    details.append(entry)
        return details

    def _unsaved_progress(
        self, notification_uuid: str
    ) -> dict[str, dict[str, tuple[float, list[dict]]]]:
        """{flow detail uuid: {atom: (progress, entries)}} held in memory."""
        with self._running_lock:
            running = self._running.get(notification_uuid)
        if running is None:
            return {}
        detail_uuid, tasks = running
        snapshots = {}
        for name, task in tasks.items():
            snapshot = getattr(task, "progress_snapshot", None)
            held = snapshot() if snapshot is not None else None
            if held is not None:
                snapshots[name] = held
        return {detail_uuid: snapshots}

    def _atom_order(self, kind: str | None) -> dict[str, int]:
        lists = self.task_lists.get(kind or "", {})
        names = [n for phase in flows.PHASES for n in lists.get(phase, [])]
        atom_names = [self.registry.atom_name(n) for n in names]
        return {name: i for i, name in enumerate(atom_names) if name}


def _tasks(flow: Any) -> list[Any]:
    """Every task of a (nested) flow."""
    found = []
    for node, _ in flow.iter_nodes():
        if isinstance(node, tf_flow.Flow):
            found.extend(_tasks(node))
        else:
            found.append(node)
    return found


def _progress_entry(
    atom: Any, unsaved: tuple[float, list[dict]] | None = None
) -> dict | None:
    meta = atom.meta or {}
    holder = meta.get("progress_details") or {}
    entries = (holder.get("details") or {}).get("progress_details")
    progress = meta.get("progress", holder.get("at_progress", 0.0))
    if unsaved is not None:
        progress, entries = unsaved
    if not entries:
        return None
    return {
        "name": atom.name,
        "progress": float(progress or 0.0),
        "progress_details": [
            {k: (None if v is None else str(v)) for k, v in entry.items()}
            for entry in entries
        ],
        "state": atom.state,
    }
