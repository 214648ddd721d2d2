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

"""Gathering a plan's facts from Nova and the masakari database.

Only what the enabled policies read is asked for: with every policy off
this makes no request beyond upstream's listing of the failed host.
"""

from __future__ import annotations

import datetime
from typing import Any

from masakari.compute import exceptions as cexc
from masakari.engine.policy import limits
from masakari.engine.policy import selection
from masakari.engine.policy import settings as settings_mod
from masakari.engine.policy.plan import Facts

HOST = "OS-EXT-SRV-ATTR:host"


def gather(
    nova: Any,
    context: Any,
    store: Any,
    cfg: settings_mod.Settings,
    host_name: str,
    now: datetime.datetime,
    servers: list[dict] | None = None,
    reserved_host: str | None = None,
    notification_uuid: str | None = None,
) -> Facts:
    """The facts of ``host_name``'s failure.

    ``reserved_host``: the reserved_host workflow's current target (the
    only candidate); otherwise the enabled, up hosts of the segment that
    are neither reserved nor on maintenance. ``notification_uuid``: the
    notification being handled, not counted as a past recovery.
    """
    if servers is None:
        servers = nova.get_servers_on_host(context, host_name)
    facts = Facts(host_name, list(servers))
    if cfg.needs_images:
        facts.images = _images(nova, context, servers)
    if cfg.evacuable_tag:
        facts.aggregates = nova.list_aggregates(context)
    if cfg.max_recoveries:
        facts.recoveries = limits.recoveries(
            store, now, cfg.recovery_window,
            {s["id"] for s in servers}, notification_uuid)
    if cfg.capacity:
        _targets(nova, context, store, cfg, facts, now, reserved_host)
    return facts


def _images(nova: Any, context: Any, servers: list[dict]) -> dict:
    images: dict[str, dict] = {}
    for server in servers:
        image_id = selection.image_id_of(server)
        if image_id and image_id not in images:
            try:
                images[image_id] = nova.get_image_properties(
                    context, image_id)
            except cexc.ComputeNotFound:
                images[image_id] = {}
    return images


def _segment_hosts(store: Any, host_name: str) -> list:
    row = store.host_get_by_name(host_name)
    return list(store.host_get_all_by_filters(
        filters={"failover_segment_id": row.failover_segment_id}))


def _targets(nova: Any, context: Any, store: Any,
             cfg: settings_mod.Settings, facts: Facts,
             now: datetime.datetime, reserved_host: str | None) -> None:
    hosts = _segment_hosts(store, facts.host_name)
    facts.hypervisors = nova.list_hypervisors(context)
    state = {(h.get("service") or {}).get("host"): h
             for h in facts.hypervisors}
    flapping = limits.flapping(store, now, cfg.stabilisation_window,
                               cfg.flap_threshold, hosts)
    allowed = selection.evacuable_hosts(facts.aggregates, cfg.evacuable_tag)
    if reserved_host is not None:
        candidates = [reserved_host]
    else:
        candidates = []
        for host in hosts:
            if host.name == facts.host_name:
                continue
            if host.reserved:
                facts.excluded[host.name] = "reserved host"
            elif host.on_maintenance:
                facts.excluded[host.name] = "on maintenance"
            else:
                candidates.append(host.name)
    for name in candidates:
        hyp = state.get(name)
        why = None
        if hyp is None:
            why = "no hypervisor in Nova"
        elif hyp.get("state") != "up":
            why = "its compute service is down"
        elif reserved_host is None and hyp.get("status") != "enabled":
            why = "its compute service is disabled"
        elif name in flapping:
            why = (f"flapping: failed {flapping[name]} times in the last "
                   f"{cfg.stabilisation_window} seconds")
        elif allowed is not None and name not in allowed:
            why = f"in no aggregate tagged {cfg.evacuable_tag}"
        if why is None:
            facts.targets.append(name)
        else:
            facts.excluded[name] = why
    facts.groups, facts.member_hosts = _groups(nova, context, facts.servers)


def _groups(nova: Any, context: Any, servers: list[dict]
            ) -> tuple[list[dict], dict[str, str]]:
    """Server groups of the failed host's servers, and where the other
    members run."""
    ids = {s["id"] for s in servers}
    groups = [g for g in nova.list_server_groups(context)
              if ids & set(g.get("members") or [])]
    member_hosts: dict[str, str] = {}
    for group in groups:
        for member in group.get("members") or []:
            if member in ids or member in member_hosts:
                continue
            try:
                member_hosts[member] = nova.get_server(
                    context, member).get(HOST)
            except cexc.ComputeNotFound:
                continue
    return groups, member_hosts
