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

"""The fencing configuration: which fence devices each host has.

A YAML file with an optional ``default`` device list (for hosts without an
entry of their own) and an optional ``hosts`` mapping of host name to device
list. The devices of a host are tried in order. Every device is validated
when the file is loaded; the token ``{host}`` in any string value is
replaced by the host's name when the devices are used.
"""

from __future__ import annotations

from typing import Any, Mapping

import yaml

from masakari.engine.fencing import base
from masakari.engine.fencing import common

TOP_LEVEL_KEYS = ("default", "hosts")


def substitute(value: Any, host: str) -> Any:
    """A copy of ``value`` with ``{host}`` replaced in every string."""
    if isinstance(value, str):
        return value.replace("{host}", host)
    if isinstance(value, Mapping):
        return {key: substitute(item, host) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, host) for item in value]
    return value


def device_timeout(device: Mapping[str, Any]) -> float:
    """The seconds one attempt with this (validated) device may take."""
    value = device.get("timeout")
    return common.DEFAULT_TIMEOUT if value is None else float(value)


def validate_device(
    device: Any,
    where: str,
    drivers: Mapping[str, Any] | None = None,
) -> None:
    """Raise FencingConfigError unless ``device`` is a usable device."""
    if drivers is None:
        from masakari.engine.fencing import registry

        drivers = registry.DRIVERS
    if not isinstance(device, Mapping):
        raise base.FencingConfigError(f"{where}: must be a mapping")
    name = device.get("driver")
    if not isinstance(name, str) or not name:
        raise base.FencingConfigError(
            f"{where}: key 'driver' is required (one of "
            f"{', '.join(sorted(drivers))})"
        )
    if name not in drivers:
        raise base.FencingConfigError(
            f"{where}: unknown driver '{name}' (known: "
            f"{', '.join(sorted(drivers))})"
        )
    spec = common.DeviceSpec(device, f"{where} ({name})")
    spec.number("timeout", None)
    drivers[name].from_device(device, f"{where} ({name})", None)


class FencingConfig:
    """Validated fence devices: a default list and per-host lists."""

    def __init__(
        self,
        default: list[dict[str, Any]] | None = None,
        hosts: Mapping[str, list[dict[str, Any]]] | None = None,
        path: str = "",
    ) -> None:
        self.default = list(default or [])
        self.hosts = dict(hosts or {})
        self.path = path

    def devices_for(self, host: str) -> list[dict[str, Any]]:
        """The host's device dicts, with ``{host}`` substituted."""
        devices = self.hosts.get(host, self.default)
        return [substitute(device, host) for device in devices]

    def has_devices(self, host: str) -> bool:
        return bool(self.hosts.get(host, self.default))


def parse(
    data: Any, path: str = "<fencing config>",
    drivers: Mapping[str, Any] | None = None,
) -> FencingConfig:
    """Validate the loaded YAML document ``data``."""
    prefix = f"fencing config {path}"
    if data is None:
        return FencingConfig(path=path)
    if not isinstance(data, Mapping):
        raise base.FencingConfigError(f"{prefix}: must be a mapping")
    unknown = sorted(str(key) for key in data if key not in TOP_LEVEL_KEYS)
    if unknown:
        raise base.FencingConfigError(
            f"{prefix}: unknown top-level key(s): {', '.join(unknown)} "
            f"(allowed: {', '.join(TOP_LEVEL_KEYS)})"
        )
    default = _device_list(data.get("default"), f"{prefix}: default",
                           drivers)
    hosts_data = data.get("hosts")
    if hosts_data is None:
        hosts_data = {}
    if not isinstance(hosts_data, Mapping):
        raise base.FencingConfigError(
            f"{prefix}: 'hosts' must be a mapping of host name to devices"
        )
    hosts = {}
    for host, devices in hosts_data.items():
        if not isinstance(host, str) or not host:
            raise base.FencingConfigError(
                f"{prefix}: hosts: host name {host!r} must be a string "
                "(quote it)"
            )
        hosts[host] = _device_list(devices, f"{prefix}: hosts.{host}",
                                   drivers)
    return FencingConfig(default, hosts, path)


def _device_list(
    devices: Any, where: str, drivers: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    if devices is None:
        return []
    if not isinstance(devices, list):
        raise base.FencingConfigError(f"{where}: must be a list of devices")
    for index, device in enumerate(devices, start=1):
        validate_device(device, f"{where} device {index}", drivers)
    return [dict(device) for device in devices]


def load(path: str) -> FencingConfig:
    """Read and validate the fencing configuration file at ``path``."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise base.FencingConfigError(
            f"fencing config {path}: cannot read: {exc.strerror}"
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        # Only the position and the problem: the line itself may hold a
        # secret someone pasted by mistake.
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise base.FencingConfigError(
            f"fencing config {path}: invalid YAML{where}: {problem}"
        ) from None
    return parse(data, path)
