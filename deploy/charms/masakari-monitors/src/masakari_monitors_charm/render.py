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

"""masakarimonitors.conf, the process list and the units, as pure functions.

Also parses the identity-credentials (keystone-credentials) databag, the
only relation input the configuration needs besides the node type.
"""

from __future__ import annotations

import dataclasses
import pathlib
from collections.abc import Iterable, Mapping
from typing import Any

import charm_common
import yaml

CONF_DIR = "/etc/masakarimonitors"
CONF = CONF_DIR + "/masakarimonitors.conf"
PROCESS_LIST = CONF_DIR + "/process_list.yaml"
UNIT_DIR = pathlib.Path(__file__).parent / "units"
HEADER = "Written by the masakari-monitors charm: local changes are " \
         "overwritten."

# Charm option enabling a monitor -> its console script (and unit name).
MONITORS = {
    "host-monitor": "masakari-hostmonitor",
    "instance-monitor": "masakari-instancemonitor",
    "process-monitor": "masakari-processmonitor",
    "introspective-instance-monitor":
        "masakari-introspectiveinstancemonitor",
}

# Charm option -> (group, option) copied verbatim.
PASSTHROUGH = {
    "debug": ("DEFAULT", "debug"),
    "monitoring-interval": ("host", "monitoring_interval"),
    "restrict-to-remotes": ("host", "restrict_to_remotes"),
    "disable-ipmi-check": ("host", "disable_ipmi_check"),
    "corosync-multicast-interfaces": ("host",
                                      "corosync_multicast_interfaces"),
    "corosync-multicast-ports": ("host", "corosync_multicast_ports"),
    "libvirt-uri": ("libvirt", "connection_uri"),
    "api-interface": ("api", "api_interface"),
}

CREDENTIAL_KEYS = ("credentials_host", "credentials_port",
                   "credentials_username", "credentials_password",
                   "credentials_project")

DEFAULT_PROCESSES = [
    {"process_name": name, "start_command": f"systemctl start {unit}",
     "restart_command": f"systemctl restart {unit}", "run_as_root": True}
    for name, unit in (("/usr/sbin/libvirtd", "libvirtd"),
                       ("nova-compute", "nova-compute"))
]
PROCESS_KEYS = ("process_name", "start_command", "restart_command")

# Options the monitors accept only from a fixed set.
CHOICES = {
    "pacemaker-node-type": ("autodetect", "cluster", "remote"),
    "api-interface": ("public", "internal", "admin"),
}


@dataclasses.dataclass(frozen=True)
class Credentials:
    auth_url: str
    username: str
    password: str
    project: str
    project_domain: str
    user_domain: str
    region: str


def parse_credentials(units: Iterable[Mapping[str, str]]) -> \
        Credentials | None:
    """Credentials from the first Keystone unit that published them all."""
    for data in units:
        if all(data.get(k) for k in CREDENTIAL_KEYS):
            proto = data.get("credentials_protocol") or "http"
            return Credentials(
                auth_url=(f"{proto}://{data['credentials_host']}:"
                          f"{data['credentials_port']}/v3"),
                username=data["credentials_username"],
                password=data["credentials_password"],
                project=data["credentials_project"],
                project_domain=(data.get("credentials_project_domain_name")
                                or "service_domain"),
                user_domain=(data.get("credentials_user_domain_name")
                             or "service_domain"),
                region=data.get("region") or "RegionOne",
            )
    return None


def _items(value: Any) -> list[str]:
    return [item.strip() for item in str(value or "").split(",")
            if item.strip()]


def config_error(config: Mapping[str, Any]) -> str | None:
    """Why the monitors would refuse this config, or None.

    Checked here so a typo blocks the unit instead of crashing a monitor.
    """
    for option, allowed in CHOICES.items():
        if config.get(option) not in allowed:
            return f"{option} must be one of {', '.join(allowed)}"
    interfaces = _items(config.get("corosync-multicast-interfaces"))
    ports = _items(config.get("corosync-multicast-ports"))
    if len(interfaces) != len(ports):
        return ("corosync-multicast-interfaces and corosync-multicast-ports "
                "need the same number of items")
    if not all(p.isdigit() and int(p) < 65536 for p in ports):
        return "corosync-multicast-ports must be port numbers"
    return None


def node_type(config: Mapping[str, Any], remote_node: bool) -> str:
    return "remote" if remote_node else str(config["pacemaker-node-type"])


def monitors_conf(config: Mapping[str, Any], creds: Credentials,
                  remote_node: bool) -> str:
    sections: dict[str, dict[str, charm_common.IniValue]] = {
        "DEFAULT": {},
        "api": {
            "region": config.get("region") or creds.region,
            "auth_type": "password",
            "auth_url": creds.auth_url,
            "username": creds.username,
            "password": creds.password,
            "project_name": creds.project,
            "project_domain_name": creds.project_domain,
            "user_domain_name": creds.user_domain,
        },
        "host": {
            "monitoring_driver": "default",
            "pacemaker_node_type": node_type(config, remote_node),
        },
        "libvirt": {},
        "process": {"process_list_path": PROCESS_LIST},
    }
    for option, (group, name) in PASSTHROUGH.items():
        value = config.get(option)
        # An empty string means "leave masakari's default".
        sections[group][name] = None if value == "" else value
    return charm_common.render_ini(sections, HEADER)


def process_list(text: str) -> str:
    """The process list file; ValueError names what is wrong with ``text``.

    Checked here so a typo blocks the unit instead of crashing the monitor.
    """
    if not text.strip():
        entries: Any = DEFAULT_PROCESSES
    else:
        try:
            entries = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(f"process-list is not YAML: {exc}") from None
    if not isinstance(entries, list) or not entries:
        raise ValueError("process-list must be a non-empty YAML list")
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ValueError(f"process-list entry {index} is not a mapping")
        missing = [k for k in PROCESS_KEYS if not entry.get(k)]
        if missing:
            raise ValueError(f"process-list entry {index} lacks "
                             + ", ".join(missing))
    return "# " + HEADER + "\n" + yaml.safe_dump(entries, sort_keys=False)


def enabled(config: Mapping[str, Any]) -> list[str]:
    """Console scripts of the monitors switched on, in a fixed order."""
    return [script for option, script in MONITORS.items()
            if config.get(option)]


def units() -> dict[str, str]:
    """systemd unit file name -> content for every monitor.

    The units are deploy/systemd's, shipped inside the charm (a unit test
    checks the copies).
    """
    return {f"/etc/systemd/system/{script}.service":
            (UNIT_DIR / f"{script}.service").read_text()
            for script in MONITORS.values()}
