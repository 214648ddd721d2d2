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

"""In-memory fakes for engine unit tests: a Nova behind the compute API
surface (with a journal of calls and fault injection) and the vmove part
of the DB API."""

from __future__ import annotations

import itertools
import threading
import types
import uuid as uuidlib

from masakari import exception
from masakari.compute import exceptions as cexc

VM, TASK, POWER = "OS-EXT-STS:vm_state", "OS-EXT-STS:task_state", "OS-EXT-STS:power_state"
HOST, NODE = "OS-EXT-SRV-ATTR:host", "OS-EXT-SRV-ATTR:hypervisor_hostname"
MUTATING = {"set_forced_down", "disable_service", "enable_service", "evacuate", "reset_state",
            "stop_server", "start_server", "lock_server", "unlock_server",
            "add_host_to_aggregate", "remove_host_from_aggregate"}


class FakeNova:
    """Behaves like Nova 2.53 for the calls masakari makes.

    Time comes from a FakeClock: an evacuation finishes rebuild_time seconds
    after it was accepted; a service without heartbeat is reported down
    down_after seconds after it was marked dead.
    """

    def __init__(self, clock, rebuild_time=2.0, down_after=30.0):
        self.clock = clock
        self.rebuild_time = rebuild_time
        self.down_after = down_after
        self.services = {}
        self.servers = {}
        self.aggregates = []
        self.journal = []
        self.gets = 0
        self.faults = {}
        self._pending = []
        self._lock = threading.RLock()
        clock.on_advance.append(self._tick)

    # -- set-up --------------------------------------------------------
    def add_host(self, name, status="enabled", alive=True):
        self.services[name] = {"id": str(uuidlib.uuid4()), "host": name,
                               "binary": "nova-compute", "status": status,
                               "state": "up", "forced_down": False,
                               "dead_since": None if alive else self.clock.monotonic()}

    def kill_host(self, name):
        self.services[name]["dead_since"] = self.clock.monotonic()

    def add_server(self, host, vm_state="active", task_state=None, ha=True, locked=False,
                   power_state=1, name=None):
        sid = str(uuidlib.uuid4())
        self.servers[sid] = {"id": sid, "name": name or f"vm-{len(self.servers)}",
                             "metadata": {"HA_Enabled": "True"} if ha else {},
                             "locked": locked, VM: vm_state, TASK: task_state,
                             POWER: power_state, HOST: host, NODE: host + ".node"}
        return sid

    def fail(self, method, target, error):
        """Make method(target) raise error (once per registration: list)."""
        self.faults.setdefault((method, target), []).append(error)

    # -- internals -----------------------------------------------------
    def _record(self, method, *args):
        with self._lock:
            self.journal.append((method,) + args)
            errors = self.faults.get((method, args[0] if args else None))
            if errors:
                raise errors.pop(0)

    def _service_view(self, svc):
        now = self.clock.monotonic()
        dead = svc["dead_since"] is not None and now - svc["dead_since"] >= self.down_after
        view = {k: v for k, v in svc.items() if k != "dead_since"}
        view["state"] = "down" if (dead or svc["forced_down"]) else "up"
        return view

    def _tick(self, now):
        with self._lock:
            due = [p for p in self._pending if p[0] <= now]
            self._pending = [p for p in self._pending if p[0] > now]
        for _, action in due:
            action()

    def mutations(self):
        return [j for j in self.journal if j[0] in MUTATING]

    # -- compute API surface -------------------------------------------
    def list_services(self, context, host=None, binary="nova-compute"):
        self.gets += 1
        return [self._service_view(s) for s in self.services.values()
                if host in (None, s["host"]) and binary in (None, s["binary"])]

    def get_compute_service(self, context, host_name, binary="nova-compute"):
        found = self.list_services(context, host_name, binary)
        if not found:
            raise exception.ComputeNotFoundByName(compute_name=host_name)
        return found[0]

    def find_compute_service(self, context, host_name):
        self.get_compute_service(context, host_name)

    def _svc(self, service_id):
        for svc in self.services.values():
            if svc["id"] == service_id:
                return svc
        raise cexc.ComputeNotFound(method="PUT", url=service_id, reason="HTTP 404")

    def set_forced_down(self, context, service_id, forced_down):
        svc = self._svc(service_id)
        self._record("set_forced_down", svc["host"], forced_down)
        svc["forced_down"] = forced_down
        return self._service_view(svc)

    def disable_service(self, context, service_id, reason=None):
        svc = self._svc(service_id)
        self._record("disable_service", svc["host"], reason)
        svc["status"] = "disabled"
        return self._service_view(svc)

    def enable_service(self, context, service_id):
        svc = self._svc(service_id)
        self._record("enable_service", svc["host"])
        svc["status"] = "enabled"
        return self._service_view(svc)

    def get_servers_on_host(self, context, host):
        self.gets += 1
        return [dict(s) for s in self.servers.values() if s[HOST] == host]

    def get_server(self, context, server_id):
        self.gets += 1
        self._record("get_server", server_id) if ("get_server", server_id) in self.faults else None
        if server_id not in self.servers:
            raise cexc.ComputeNotFound(method="GET", url=server_id, reason="HTTP 404")
        return dict(self.servers[server_id])

    def get_servers_by_ids(self, context, server_ids, changes_since=None):
        self.gets += 1
        self.journal.append(("list_servers_batch", len(list(server_ids))))
        return {i: dict(self.servers[i]) for i in server_ids if i in self.servers}

    def _server(self, server_id):
        if server_id not in self.servers:
            raise cexc.ComputeNotFound(method="POST", url=server_id, reason="HTTP 404")
        return self.servers[server_id]

    def evacuate(self, context, server_id, host=None):
        self._record("evacuate", server_id, host)
        server = self._server(server_id)
        source = self.services[server[HOST]]
        if self._service_view(source)["state"] == "up":
            raise cexc.ComputeConflict(method="POST", url=server_id,
                                       reason="HTTP 409: Compute service is still in use.")
        if server[TASK] is not None:
            raise cexc.ComputeConflict(method="POST", url=server_id, reason="HTTP 409: busy")
        original = server[VM]
        server[TASK] = "rebuilding"
        server[VM] = original if original == "stopped" else server[VM]

        def finish():
            targets = [h for h, s in self.services.items()
                       if h != server[HOST] and s["status"] == "enabled"
                       and self._service_view(s)["state"] == "up" and host in (None, h)]
            server[TASK] = None
            if not targets:
                server[VM] = "error"
                return
            server[HOST], server[NODE] = targets[0], targets[0] + ".node"
            server[VM] = "stopped" if original == "stopped" else "active"
            server[POWER] = 4 if original == "stopped" else 1
        with self._lock:   # _tick replaces the list: never append outside the lock
            self._pending.append((self.clock.monotonic() + self.rebuild_time, finish))

    def reset_state(self, context, server_id, state):
        self._record("reset_state", server_id, state)
        server = self._server(server_id)
        server[VM], server[TASK] = state, None

    def stop_server(self, context, server_id):
        self._record("stop_server", server_id)
        server = self._server(server_id)
        if server[VM] not in ("active", "error", "resized"):
            raise cexc.ComputeConflict(method="POST", url=server_id,
                                       reason=f"HTTP 409: cannot stop in {server[VM]}")
        server[VM], server[POWER] = "stopped", 4

    def start_server(self, context, server_id):
        self._record("start_server", server_id)
        server = self._server(server_id)
        if server[VM] != "stopped":
            raise cexc.ComputeConflict(method="POST", url=server_id, reason="HTTP 409")
        server[VM], server[POWER] = "active", 1

    def lock_server(self, context, server_id):
        self._record("lock_server", server_id)
        self._server(server_id)["locked"] = True

    def unlock_server(self, context, server_id):
        self._record("unlock_server", server_id)
        self._server(server_id)["locked"] = False

    def list_aggregates(self, context):
        self.gets += 1
        return [dict(a) for a in self.aggregates]

    def remove_host_from_aggregate(self, context, aggregate_id, host):
        self._record("remove_host_from_aggregate", aggregate_id, host)
        for agg in self.aggregates:
            if agg["id"] == aggregate_id and host in agg["hosts"]:
                agg["hosts"].remove(host)

    def add_host_to_aggregate(self, context, aggregate_id, host):
        self._record("add_host_to_aggregate", aggregate_id, host)
        for agg in self.aggregates:
            if agg["id"] == aggregate_id:
                if host in agg["hosts"]:
                    raise cexc.ComputeConflict(method="POST", url="agg", reason="HTTP 409")
                agg["hosts"].append(host)


class FakeVMoveDB:
    """The vmove functions of masakari.db.api, in memory."""

    def __init__(self):
        self.vmoves = {}
        # (host name, reserved) of every set_host_reserved call.
        self.reserved_changes = []
        self.bulk_updates = []
        self.batches = []  # uuids written together by vmove_update_each
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def set_host_reserved(self, host_name, reserved):
        self.reserved_changes.append((host_name, reserved))

    def vmove_create(self, values):
        with self._lock:
            row = types.SimpleNamespace(id=next(self._ids), uuid=str(uuidlib.uuid4()),
                                        dest_host=None, start_time=None, end_time=None,
                                        message=None, created_at=None, **values)
            self.vmoves[row.uuid] = row
            return types.SimpleNamespace(**vars(row))

    def vmove_update(self, uuid, values):
        with self._lock:
            for key, value in values.items():
                setattr(self.vmoves[uuid], key, value)
            return types.SimpleNamespace(**vars(self.vmoves[uuid]))

    def vmove_update_each(self, updates):
        with self._lock:
            updates = [(uuid, dict(values)) for uuid, values in updates]
            if any(uuid not in self.vmoves for uuid, _ in updates):
                raise KeyError("unknown vmove")
            self.batches.append([uuid for uuid, _ in updates])
            for uuid, values in updates:
                for key, value in values.items():
                    setattr(self.vmoves[uuid], key, value)

    def vmove_update_many(self, uuids, values):
        with self._lock:
            self.bulk_updates.append((list(uuids), dict(values)))
            rows = [self.vmoves[u] for u in uuids if u in self.vmoves]
            for row in rows:
                for key, value in values.items():
                    setattr(row, key, value)
            return len(rows)

    def vmove_get_by_uuid(self, uuid, notification_uuid=None):
        with self._lock:
            return types.SimpleNamespace(**vars(self.vmoves[uuid]))

    def vmove_get_all_by_filters(self, filters=None, sort_keys=None, sort_dirs=None,
                                 limit=None, marker=None):
        filters = filters or {}
        with self._lock:
            rows = sorted(self.vmoves.values(), key=lambda r: r.id)
            return [types.SimpleNamespace(**vars(r)) for r in rows
                    if all(getattr(r, k) == v for k, v in filters.items())]


# Evacuation pools by size, shared by the tests of a worker as an engine
# shares its pools between recoveries (threads already started).
_POOLS = {}
_POOLS_LOCK = threading.Lock()


def shared_pools(limit):
    from masakari.engine import driver_api
    with _POOLS_LOCK:
        if limit not in _POOLS:
            _POOLS[limit] = driver_api.EvacuationPools(limit)
        return _POOLS[limit]


def make_runtime(conf, clock=None, store=None, notification_uuid="n-1", **kwargs):
    """An engine RecoveryRuntime for driver tests (its own locks)."""
    from masakari.engine import driver_api
    from masakari.engine import timing
    kwargs.setdefault("locks", driver_api.EngineLocks())
    return driver_api.RecoveryRuntime(
        conf=conf, store=store if store is not None else FakeVMoveDB(),
        pools=shared_pools(conf.max_concurrent_evacuations),
        clock=clock or timing.Clock(), notification_uuid=notification_uuid, **kwargs)


def make_manager(conf, driver=None, db=None, clock=None, emit=None, fencer=None):
    """A MasakariManager on an EngineApp of these parts."""
    from masakari.engine import app as app_mod
    from masakari.engine import manager as manager_mod
    from masakari.engine import timing
    app = app_mod.EngineApp(conf=conf, db=db, clock=clock or timing.Clock(), fencer=fencer)
    return manager_mod.MasakariManager(app, driver=driver, emit=emit)


# The fencing evidence the Pacemaker host monitor adds to a host failure
# notification after a confirmed STONITH: the fast path's proof.
FENCED = {"confirmed": True, "source": "stonith-history",
          "at": "2026-01-01T00:00:00Z"}
STOPPED_FENCED = {"event": "STOPPED", "host_status": "NORMAL",
                  "cluster_status": "OFFLINE", "fencing": FENCED}
