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

"""The masakari-monitors charm: one reconcile step observed on every event.

Once Keystone handed out credentials, the configuration and the process
list are written and the monitors chosen by the config run; the others are
stopped. A monitor restarts when a file it reads changed.
"""

from __future__ import annotations

import logging
import subprocess

import charm_common
import ops

from masakari_monitors_charm import render

LOG = logging.getLogger(__name__)

VENV = "/opt/masakari/venv"
CREDENTIALS = "identity-credentials"
REMOTE = "pacemaker-remote"


class MonitorsCharm(ops.CharmBase):
    """The masakari monitors on a nova-compute unit."""

    _stored = ops.StoredState()
    host_factory = staticmethod(charm_common.Host.from_env)

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self._stored.set_default(installed="", install_failed=False,
                                 running=[])
        self.host = self.host_factory()
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.upgrade_charm, self._on_upgrade)
        framework.observe(self.on.stop, self._on_stop)
        framework.observe(self.on.config_changed, self._on_change)
        framework.observe(self.on.update_status, self._on_change)
        for endpoint in ("juju-info", CREDENTIALS, REMOTE):
            on = self.on[endpoint]
            for event in (on.relation_joined, on.relation_changed,
                          on.relation_departed, on.relation_broken):
                framework.observe(event, self._on_change)

    def _on_install(self, _: ops.EventBase) -> None:
        self._install()
        self._reconcile()

    def _on_upgrade(self, _: ops.EventBase) -> None:
        self._install()
        self._reconcile(restart=True)

    def _on_change(self, _: ops.EventBase) -> None:
        if self._stored.installed != self.config["source"]:
            self._install()
            self._reconcile(restart=True)
        else:
            self._reconcile()

    def _on_stop(self, _: ops.EventBase) -> None:
        self.host.systemctl("disable", "--now",
                            *render.MONITORS.values())
        self._stored.running = []

    def _install(self) -> None:
        source = str(self.config["source"])
        self.unit.status = ops.MaintenanceStatus(f"Installing {source}")
        try:
            self.host.apt_install("python3-venv", "libvirt-dev",
                                  "pkg-config", "gcc", "python3-dev")
            self.host.pip_install(VENV, source)
        except (subprocess.CalledProcessError, OSError) as exc:
            LOG.error("installing %s failed: %s", source, exc)
            self._stored.install_failed = True
            return
        self._stored.install_failed = False
        self._stored.installed = source

    def _remote_units(self, endpoint: str) -> list[dict[str, str]]:
        relation = self.model.get_relation(endpoint)
        if relation is None:
            return []
        return [dict(relation.data[unit]) for unit in relation.units]

    def _remote_node(self) -> bool:
        return any(data.get("node-type") == "remote"
                   for data in self._remote_units(REMOTE))

    def _reconcile(self, restart: bool = False) -> None:
        relation = self.model.get_relation(CREDENTIALS)
        if relation is not None:
            relation.data[self.unit]["username"] = str(
                self.config["credentials-username"])
        if self._stored.install_failed:
            self.unit.status = ops.BlockedStatus(
                f"Installing {self.config['source']!r} failed; fix the "
                "source option (see juju debug-log)")
            return
        if relation is None:
            self._run([], ops.BlockedStatus(
                f"Missing relations: {CREDENTIALS}"))
            return
        creds = render.parse_credentials(self._remote_units(CREDENTIALS))
        if creds is None:
            self._run([], ops.WaitingStatus(
                f"Incomplete relations: {CREDENTIALS}"))
            return
        wanted = render.enabled(self.config)
        if not wanted:
            self._run([], ops.BlockedStatus("No monitor enabled"))
            return
        error = render.config_error(self.config)
        if error:
            self._run([], ops.BlockedStatus(error))
            return
        try:
            processes = render.process_list(str(self.config["process-list"]))
        except ValueError as exc:
            self._run([], ops.BlockedStatus(str(exc)))
            return
        remote = self._remote_node()
        changed = [
            self.host.write(render.CONF, render.monitors_conf(
                self.config, creds, remote)),
            self.host.write(render.PROCESS_LIST, processes),
        ]
        unit_changes = [self.host.write(path, content, 0o644)
                        for path, content in render.units().items()]
        if any(unit_changes):
            self.host.systemctl("daemon-reload")
        self._run(wanted, ops.ActiveStatus(
            ("Remote node; " if remote else "")
            + "running " + ", ".join(w.removeprefix("masakari-")
                                     for w in wanted)),
            restart=restart or any(changed + unit_changes))

    def _run(self, wanted: list[str], status: ops.StatusBase,
             restart: bool = False) -> None:
        """Run exactly the ``wanted`` monitors, restarting them if asked."""
        running = list(self._stored.running)
        stop = [m for m in running if m not in wanted]
        start = [m for m in wanted if m not in running]
        if stop:
            self.host.systemctl("disable", "--now", *stop)
        if start:
            self.host.systemctl("enable", "--now", *start)
        again = [m for m in wanted if m in running]
        if restart and again:
            self.host.systemctl("restart", *again)
        self._stored.running = list(wanted)
        self.unit.status = status
