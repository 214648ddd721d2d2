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

"""The masakari charm: one reconcile step observed on every event.

Each hook publishes this unit's requests on its relations, reads what the
other side gave, and, once Keystone, RabbitMQ and MySQL have answered,
writes the configuration, syncs the database schema (leader only, once per
database and package version) and (re)starts both services.
"""

from __future__ import annotations

import logging
import subprocess

import charm_common
import ops

from masakari_charm import relations
from masakari_charm import render

LOG = logging.getLogger(__name__)

VENV = "/opt/masakari/venv"
CONF = render.CONF_DIR + "/masakari.conf"
PASTE = render.CONF_DIR + "/api-paste.ini"
SERVICES = ("masakari-api", "masakari-engine")
REQUIRED = ("amqp", "identity-service", "shared-db")
PEER = "cluster"
SYNCED_KEY = "db-synced"


class MasakariCharm(ops.CharmBase):
    """masakari-api and masakari-engine on a machine."""

    _stored = ops.StoredState()
    host_factory = staticmethod(charm_common.Host.from_env)

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self._stored.set_default(installed="", install_failed=False,
                                 running=False)
        self.host = self.host_factory()
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.upgrade_charm, self._on_upgrade)
        framework.observe(self.on.stop, self._on_stop)
        framework.observe(self.on.config_changed, self._on_change)
        framework.observe(self.on.leader_elected, self._on_change)
        framework.observe(self.on.update_status, self._on_change)
        for endpoint in REQUIRED + ("certificates", "ha", PEER):
            on = self.on[endpoint]
            for event in (on.relation_joined, on.relation_changed,
                          on.relation_departed, on.relation_broken):
                framework.observe(event, self._on_change)

    # -- hooks --------------------------------------------------------------

    def _on_install(self, _: ops.EventBase) -> None:
        self._install()
        self._reconcile()

    def _on_upgrade(self, _: ops.EventBase) -> None:
        # A new charm may come with a new package: install it again and
        # let the leader migrate the schema.
        self._stored.installed = ""
        self._install()
        self._reconcile(force_sync=True)

    def _on_change(self, _: ops.EventBase) -> None:
        if self._stored.installed != self.config["source"]:
            self._install()
        self._reconcile()

    def _on_stop(self, _: ops.EventBase) -> None:
        self.host.systemctl("disable", "--now", *SERVICES)
        self._stored.running = False

    # -- steps --------------------------------------------------------------

    def _install(self) -> None:
        source = str(self.config["source"])
        self.unit.status = ops.MaintenanceStatus(f"Installing {source}")
        try:
            self.host.apt_install("python3-venv")
            self.host.run("adduser", "--system", "--group", "--home",
                          render.STATE_PATH, "masakari")
            self.host.pip_install(VENV, source)
        except (subprocess.CalledProcessError, OSError) as exc:
            LOG.error("installing %s failed: %s", source, exc)
            self._stored.install_failed = True
            return
        self._stored.install_failed = False
        self._stored.installed = source

    def _endpoint_host(self) -> str:
        configured = str(self.config["endpoint-hostname"])
        if configured:
            return configured
        if self.model.get_relation("ha") and self.config["vip"]:
            return str(self.config["vip"])
        return self._ingress("identity-service")

    def _remote_units(self, endpoint: str) -> list[dict[str, str]]:
        relation = self.model.get_relation(endpoint)
        if relation is None:
            return []
        return [dict(relation.data[unit]) for unit in relation.units]

    def _publish(self, scheme: str, host: str) -> None:
        """Write this unit's requests on every relation that exists."""
        config = self.config
        unit = self.unit.name
        requests = {
            "amqp": {"username": str(config["rabbit-user"]),
                     "vhost": str(config["rabbit-vhost"])},
            "shared-db": {"database": str(config["database"]),
                          "username": str(config["database-user"]),
                          "hostname": self._ingress("shared-db")},
            "identity-service": relations.identity_request(
                scheme, host, str(config["region"])),
            "certificates": relations.certificate_request(
                unit, host, {self._ingress("certificates"),
                             str(config["vip"])}),
            "ha": (relations.ha_request(str(config["vip"]))
                   if config["vip"] else {}),
        }
        for endpoint, data in requests.items():
            relation = self.model.get_relation(endpoint)
            if relation is not None:
                relation.data[self.unit].update(data)
        identity = self.model.get_relation("identity-service")
        if identity is not None and self.unit.is_leader():
            identity.data[self.app].update(relations.identity_app_request(
                scheme, host, str(config["region"])))

    def _ingress(self, endpoint: str) -> str:
        binding = self.model.get_binding(endpoint)
        address = binding.network.ingress_address if binding else None
        return str(address or "")

    def _write_tls(self, cert: relations.Certificate | None) -> bool:
        if cert is None:
            return any([self.host.remove(render.CERT_FILE),
                        self.host.remove(render.KEY_FILE),
                        self.host.remove(render.CA_FILE)])
        changed = [self.host.write(render.CERT_FILE, cert.cert, 0o644),
                   self.host.write(render.KEY_FILE, cert.key, 0o640,
                                   group="masakari")]
        if cert.ca:
            changed.append(self.host.write(render.CA_FILE, cert.ca, 0o644))
        else:
            changed.append(self.host.remove(render.CA_FILE))
        return any(changed)

    def _reconcile(self, force_sync: bool = False) -> None:
        cert = None
        if self.model.get_relation("certificates") is not None:
            cert = relations.parse_certificate(
                self._remote_units("certificates"), self.unit.name)
        scheme = "https" if cert else "http"
        self._publish(scheme, self._endpoint_host())

        if self._stored.install_failed:
            self.unit.status = ops.BlockedStatus(
                f"Installing {self.config['source']!r} failed; fix the "
                "source option (see juju debug-log)")
            return
        inputs = self._inputs(cert)
        if isinstance(inputs, ops.StatusBase):
            self._stop(inputs)
            return
        changed = self._write_files(inputs, cert)
        not_ready = self._sync_schema(inputs.database_url, force_sync)
        if not_ready is not None:
            self._stop(not_ready)
            return
        self._start(changed)
        self.unit.status = ops.ActiveStatus(
            f"API on port {relations.API_PORT} ({scheme})")

    def _inputs(self, cert: relations.Certificate | None
                ) -> render.Inputs | ops.StatusBase:
        """What masakari.conf needs, or the status saying what is missing."""
        config = self.config
        missing = [e for e in REQUIRED if self.model.get_relation(e) is None]
        if missing:
            return ops.BlockedStatus("Missing relations: "
                                     + ", ".join(missing))
        if self.model.get_relation("ha") is not None and not config["vip"]:
            return ops.BlockedStatus(
                "Set the vip option to use the ha relation")
        identity = relations.parse_identity(
            self._remote_units("identity-service"))
        transport = relations.transport_url(
            self._remote_units("amqp"), str(config["rabbit-user"]),
            str(config["rabbit-vhost"]))
        database = relations.database_url(
            self._remote_units("shared-db"), self.unit.name,
            str(config["database-user"]), str(config["database"]))
        tls_pending = (self.model.get_relation("certificates") is not None
                       and cert is None)
        if identity is None or transport is None or database is None \
                or tls_pending:
            incomplete = [name for name, value in (
                ("amqp", transport), ("identity-service", identity),
                ("shared-db", database), ("certificates", not tls_pending))
                if not value]
            return ops.WaitingStatus(
                "Incomplete relations: " + ", ".join(incomplete))
        return render.Inputs(config=dict(config), identity=identity,
                             transport_url=transport, database_url=database,
                             tls=cert is not None)

    def _write_files(self, inputs: render.Inputs,
                     cert: relations.Certificate | None) -> bool:
        changed = [self._write_tls(cert),
                   self.host.write(CONF, render.masakari_conf(inputs),
                                   group="masakari"),
                   self.host.write(PASTE, render.api_paste(), 0o644)]
        units_changed = [self.host.write(path, content, 0o644)
                         for path, content in render.units().items()]
        if any(units_changed):
            self.host.systemctl("daemon-reload")
        return any(changed + units_changed)

    def _sync_schema(self, database: str,
                     force: bool) -> ops.StatusBase | None:
        """Sync once per database and package on the leader; others wait.

        Returns the status to show while the schema is not ready.
        """
        peer = self.model.get_relation(PEER)
        synced = peer.data[self.app].get(SYNCED_KEY) if peer else None
        wanted = (relations.database_fingerprint(database) + " "
                  + str(self._stored.installed))
        if not self.unit.is_leader():
            if synced == wanted:
                return None
            return ops.WaitingStatus(
                "Waiting for the leader to sync the database")
        if synced == wanted and not force:
            return None
        self.unit.status = ops.MaintenanceStatus("Syncing the database")
        try:
            self.host.run(VENV + "/bin/masakari-manage", "--config-file",
                          CONF, "db", "sync")
        except subprocess.CalledProcessError as exc:
            LOG.error("masakari-manage db sync failed: %s", exc)
            return ops.BlockedStatus(
                "masakari-manage db sync failed (see juju debug-log)")
        if peer is not None:
            peer.data[self.app][SYNCED_KEY] = wanted
        return None

    def _start(self, changed: bool) -> None:
        if not self._stored.running:
            self.host.systemctl("enable", "--now", *SERVICES)
            self._stored.running = True
        if changed:
            self.host.systemctl("restart", *SERVICES)

    def _stop(self, status: ops.StatusBase) -> None:
        if self._stored.running:
            self.host.systemctl("stop", *SERVICES)
            self._stored.running = False
        self.unit.status = status
