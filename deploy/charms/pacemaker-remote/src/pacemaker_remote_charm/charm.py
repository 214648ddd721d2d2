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

"""The pacemaker-remote charm: one reconcile step observed on every event.

pacemaker_remote runs only while an authkey is known: from the authkey
option, else from hacluster on the pacemaker-remote relation. The node
announces itself to hacluster and tells masakari-monitors (node-type) that
this machine is a remote node.
"""

from __future__ import annotations

import logging
import subprocess

import charm_common
import ops

from pacemaker_remote_charm import remote

LOG = logging.getLogger(__name__)

PACKAGES = ("pacemaker-remote", "resource-agents")


class PacemakerRemoteCharm(ops.CharmBase):
    """pacemaker_remoted on a compute node."""

    _stored = ops.StoredState()
    host_factory = staticmethod(charm_common.Host.from_env)

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self._stored.set_default(installed=False, running=False)
        self.host = self.host_factory()
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.upgrade_charm, self._on_install)
        framework.observe(self.on.stop, self._on_stop)
        framework.observe(self.on.config_changed, self._on_change)
        framework.observe(self.on.update_status, self._on_change)
        for endpoint in ("juju-info", "pacemaker-remote", "node-type"):
            on = self.on[endpoint]
            for event in (on.relation_joined, on.relation_changed,
                          on.relation_departed, on.relation_broken):
                framework.observe(event, self._on_change)

    def _on_install(self, _: ops.EventBase) -> None:
        self._install()
        self._reconcile()

    def _on_change(self, _: ops.EventBase) -> None:
        if not self._stored.installed:
            self._install()
        self._reconcile()

    def _on_stop(self, _: ops.EventBase) -> None:
        self.host.systemctl("disable", "--now", remote.SERVICE)
        self._stored.running = False

    def _install(self) -> None:
        self.unit.status = ops.MaintenanceStatus("Installing pacemaker-remote")
        try:
            self.host.apt_install(*PACKAGES)
        except (subprocess.CalledProcessError, OSError) as exc:
            LOG.error("installing %s failed: %s", PACKAGES, exc)
            self._stored.installed = False
            return
        self._stored.installed = True

    def _cluster_databags(self) -> list[dict[str, str]]:
        relation = self.model.get_relation("pacemaker-remote")
        if relation is None:
            return []
        bags = [dict(relation.data[unit]) for unit in relation.units]
        if relation.app is not None:
            bags.append(dict(relation.data[relation.app]))
        return bags

    def _publish(self) -> None:
        hostname = self.host.hostname()
        cluster = self.model.get_relation("pacemaker-remote")
        if cluster is not None:
            binding = self.model.get_binding(cluster)
            address = binding.network.ingress_address if binding else None
            cluster.data[self.unit].update(remote.remote_data(
                hostname, str(address or ""),
                str(self.config["stonith-hostname"])))
        for relation in self.model.relations["node-type"]:
            relation.data[self.unit].update(remote.NODE_TYPE)

    def _reconcile(self) -> None:
        self._publish()
        if not self._stored.installed:
            self.unit.status = ops.BlockedStatus(
                "Installing pacemaker-remote failed (see juju debug-log)")
            return
        try:
            key = remote.choose_key(str(self.config["authkey"]),
                                    self._cluster_databags())
        except remote.BadKey as exc:
            self._stop(ops.BlockedStatus(str(exc)))
            return
        if key is None:
            self._stop(ops.BlockedStatus(
                "Relate to hacluster or set the authkey option"))
            return
        changed = [
            self.host.write(remote.AUTHKEY, key, 0o440, group="haclient"),
            self.host.write(remote.DEFAULTS, remote.defaults_file(
                int(self.config["remote-port"])), 0o644),
        ]
        if not self._stored.running:
            self.host.systemctl("enable", "--now", remote.SERVICE)
            self._stored.running = True
        elif any(changed):
            self.host.systemctl("restart", remote.SERVICE)
        cluster = self.model.get_relation("pacemaker-remote")
        where = f" for {cluster.app.name}" if cluster and cluster.app else ""
        self.unit.status = ops.ActiveStatus(
            f"pacemaker_remote on port {self.config['remote-port']}{where}")

    def _stop(self, status: ops.StatusBase) -> None:
        if self._stored.running:
            self.host.systemctl("disable", "--now", remote.SERVICE)
            self._stored.running = False
        self.host.remove(remote.AUTHKEY)
        self.unit.status = status
