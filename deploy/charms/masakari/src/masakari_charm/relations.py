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

"""What the masakari charm reads from and writes to its relations.

Pure functions over relation databags (plain dicts), so each interface's
keys are written down, and tested, in one place.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from urllib.parse import quote

API_PORT = 15868
SERVICE = "masakari"
SERVICE_TYPE = "instance-ha"

Databag = Mapping[str, str]


@dataclasses.dataclass(frozen=True)
class Identity:
    """Service credentials handed out by Keystone (identity-service)."""

    auth_url: str
    public_auth_url: str
    username: str
    password: str
    project: str
    domain: str


def _complete(data: Databag, keys: Iterable[str]) -> bool:
    return all(data.get(k) for k in keys)


def _url(data: Databag, prefix: str, default_proto: str = "http") -> str:
    proto = data.get(f"{prefix}_protocol") or default_proto
    return f"{proto}://{data[prefix + '_host']}:{data[prefix + '_port']}/v3"


IDENTITY_KEYS = ("service_host", "service_port", "auth_host", "auth_port",
                 "service_username", "service_password", "service_tenant")


def parse_identity(units: Iterable[Databag]) -> Identity | None:
    """Credentials from the first Keystone unit that published them all."""
    for data in units:
        if _complete(data, IDENTITY_KEYS):
            return Identity(
                auth_url=_url(data, "auth"),
                public_auth_url=_url(data, "service"),
                username=data["service_username"],
                password=data["service_password"],
                project=data["service_tenant"],
                domain=data.get("service_domain") or "service_domain",
            )
    return None


def endpoint_url(scheme: str, host: str) -> str:
    """The catalog URL; clients call the project-prefixed routes."""
    return f"{scheme}://{host}:{API_PORT}/v1/$(tenant_id)s"


def identity_request(scheme: str, host: str, region: str) -> dict[str, str]:
    """Unit databag registering the service: classic keystone keys."""
    url = endpoint_url(scheme, host)
    return {"service": SERVICE, "region": region, "public_url": url,
            "internal_url": url, "admin_url": url}


def identity_app_request(scheme: str, host: str,
                         region: str) -> dict[str, str]:
    """Application databag of the same registration, with the type."""
    url = endpoint_url(scheme, host)
    endpoints = [{"service_name": SERVICE, "type": SERVICE_TYPE,
                  "description": "Instance High Availability",
                  "public_url": url, "internal_url": url, "admin_url": url}]
    return {"service-endpoints": json.dumps(endpoints), "region": region}


def transport_url(units: Iterable[Databag], user: str,
                  vhost: str) -> str | None:
    """oslo.messaging URL over every RabbitMQ unit that gave a password."""
    hosts = []
    for data in units:
        address = data.get("hostname") or data.get("private-address")
        if data.get("password") and address:
            hosts.append(f"{quote(user, safe='')}:"
                         f"{quote(data['password'], safe='')}@{address}:5672")
    if not hosts:
        return None
    return f"rabbit://{','.join(sorted(hosts))}/{quote(vhost, safe='')}"


def _allowed(data: Databag, unit_name: str) -> bool:
    # allowed_units is absent on old providers; when present it must name
    # this unit, else the grant for our address is not in place yet.
    allowed = data.get("allowed_units")
    return allowed is None or unit_name in allowed.split()


def database_url(units: Iterable[Databag], unit_name: str, user: str,
                 database: str) -> str | None:
    """SQLAlchemy URL once MySQL granted this unit access."""
    for data in units:
        if _complete(data, ("db_host", "password")) and _allowed(data,
                                                                 unit_name):
            port = f":{data['db_port']}" if data.get("db_port") else ""
            return (f"mysql+pymysql://{quote(user, safe='')}:"
                    f"{quote(data['password'], safe='')}@{data['db_host']}"
                    f"{port}/{database}?charset=utf8")
    return None


def database_fingerprint(url: str) -> str:
    """The database URL without its password, safe for peer data."""
    head, _, tail = url.partition("@")
    return head.rsplit(":", 1)[0] + "@" + tail


@dataclasses.dataclass(frozen=True)
class Certificate:
    cert: str
    key: str
    ca: str


def munged_unit(unit_name: str) -> str:
    return unit_name.replace("/", "_")


def certificate_request(unit_name: str, common_name: str,
                        sans: Iterable[str]) -> dict[str, str]:
    """Unit databag asking for a server certificate."""
    names = sorted({s for s in sans if s and s != common_name})
    return {"unit_name": munged_unit(unit_name), "common_name": common_name,
            "sans": json.dumps(names)}


def parse_certificate(units: Iterable[Databag],
                      unit_name: str) -> Certificate | None:
    """The certificate issued for this unit, with the CA chain."""
    prefix = munged_unit(unit_name)
    for data in units:
        cert = data.get(f"{prefix}.server.cert")
        key = data.get(f"{prefix}.server.key")
        if cert and key:
            parts = (data.get("ca"), data.get("chain"))
            ca = "\n".join(p.strip() for p in parts if p)
            return Certificate(cert=cert.strip() + "\n",
                               key=key.strip() + "\n",
                               ca=ca + "\n" if ca else "")
    return None


def ha_request(vip: str) -> dict[str, str]:
    """Unit databag asking hacluster to run the virtual IP."""
    resource = "res_masakari_vip"
    return {
        "json_resources": json.dumps({resource: "ocf:heartbeat:IPaddr2"}),
        "json_resource_params": json.dumps({
            resource: f'params ip="{vip}" op monitor timeout=20s '
                      'interval=10s depth=0'}),
    }
