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

"""Configuration files of the test bed's Keystone, Placement and Nova.

Every value the services need is in :class:`Layout` (ports, URLs, paths),
so the files are plain functions of it.
"""

from __future__ import annotations

import dataclasses
import os

PASSWORD = "bed-secret"
REGION = "RegionOne"
# Two projects, each with one user per role: <project>-<role>.
PROJECTS = ("alpha", "beta")
ROLES = ("admin", "member", "reader")
# Service users (project "service", roles admin and service).
SERVICE_USERS = ("nova", "placement", "masakari")


@dataclasses.dataclass
class Layout:
    root: str
    venv: str
    pg_url: str  # postgresql+psycopg2://postgres@127.0.0.1:<port>/
    transport_url: str
    keystone_port: int
    placement_port: int
    nova_port: int
    image_port: int
    masakari_port: int
    computes: int

    def path(self, *parts: str) -> str:
        return os.path.join(self.root, *parts)

    def db(self, name: str) -> str:
        return self.pg_url.rstrip("/") + "/" + name

    @property
    def keystone_url(self) -> str:
        return f"http://127.0.0.1:{self.keystone_port}/v3"

    @property
    def nova_url(self) -> str:
        return f"http://127.0.0.1:{self.nova_port}/v2.1"

    @property
    def placement_url(self) -> str:
        return f"http://127.0.0.1:{self.placement_port}"

    @property
    def image_url(self) -> str:
        return f"http://127.0.0.1:{self.image_port}"

    @property
    def masakari_url(self) -> str:
        return f"http://127.0.0.1:{self.masakari_port}/v1"

    def hosts(self) -> list[str]:
        return [f"host{i}" for i in range(1, self.computes + 1)]


def render(sections: dict[str, dict[str, object]]) -> str:
    out = []
    for name, values in sections.items():
        out.append(f"[{name}]")
        out.extend(f"{key} = {value}" for key, value in values.items())
        out.append("")
    return "\n".join(out)


def _password_auth(lay: Layout, user: str) -> dict[str, object]:
    return {"auth_type": "password", "auth_url": lay.keystone_url,
            "username": user, "password": PASSWORD,
            "user_domain_id": "default", "project_domain_id": "default",
            "project_name": "service", "region_name": REGION}


def _authtoken(lay: Layout, user: str) -> dict[str, object]:
    values = _password_auth(lay, user)
    values["www_authenticate_uri"] = lay.keystone_url
    return values


def keystone(lay: Layout) -> str:
    return render({
        "DEFAULT": {"log_file": lay.path("logs", "keystone.log"),
                    "use_stderr": False},
        "database": {"connection": lay.db("keystone")},
        "token": {"provider": "fernet"},
        "fernet_tokens": {"key_repository": lay.path("keystone", "fernet")},
        "credential": {"key_repository": lay.path("keystone", "credential")},
        "cache": {"enabled": False},
    })


def placement(lay: Layout) -> str:
    return render({
        "DEFAULT": {"log_file": lay.path("logs", "placement.log"),
                    "use_stderr": False},
        "placement_database": {"connection": lay.db("placement")},
        "api": {"auth_strategy": "keystone"},
        "keystone_authtoken": _authtoken(lay, "placement"),
    })


def nova(lay: Layout, service: str, host: str | None = None) -> str:
    """nova.conf of one process (``host`` only for the computes)."""
    state = lay.path("nova", host or service)
    default: dict[str, object] = {
        "transport_url": lay.transport_url,
        "compute_driver": "fake.FakeDriverWithoutFakeNodes",
        "state_path": state,
        "instances_path": os.path.join(state, "instances"),
        "my_ip": "127.0.0.1",
        "log_file": lay.path("logs", f"nova-{host or service}.log"),
        "use_stderr": False,
        "heal_instance_info_cache_interval": -1,
        "initial_cpu_allocation_ratio": 16.0,
        "initial_ram_allocation_ratio": 1.5,
    }
    if host:
        default["host"] = host
    sections: dict[str, dict[str, object]] = {
        "DEFAULT": default,
        "api": {"auth_strategy": "keystone"},
        "wsgi": {"api_paste_config": os.path.join(
            lay.venv, "etc", "nova", "api-paste.ini")},
        "api_database": {"connection": lay.db("nova_api")},
        "database": {"connection": lay.db("nova")},
        "keystone_authtoken": _authtoken(lay, "nova"),
        "placement": _password_auth(lay, "placement"),
        "neutron": dict(_password_auth(lay, "nova"),
                        endpoint_override=lay.image_url),
        "glance": {"endpoint_override": lay.image_url,
                   "region_name": REGION},
        "service_user": {"send_service_user_token": False},
        "scheduler": {"discover_hosts_in_cells_interval": -1},
        # Each placement picks at random among the two best-weighed hosts:
        # evacuations from one failed host of three then spread over both
        # others. With the default (the best only) a whole batch sometimes
        # lands on one host and takes twice as long to rebuild, whoever
        # sent it, which made benchmark rounds incomparable.
        "filter_scheduler": {"host_subset_size": 2},
        "oslo_concurrency": {"lock_path": os.path.join(state, "locks")},
        "oslo_messaging_notifications": {"driver": "noop"},
        "vnc": {"enabled": False},
        "cinder": {"os_region_name": REGION},
        # Benchmarks boot dozens of servers in one project.
        "quota": {"instances": -1, "cores": -1, "ram": -1},
    }
    return render(sections)


def uwsgi_args(lay: Layout, module: str, port: int) -> list[str]:
    """uwsgi serving ``module`` on 127.0.0.1:port with two workers."""
    return [os.path.join(lay.venv, "bin", "uwsgi"),
            "--http-socket", f"127.0.0.1:{port}",
            "--module", module, "--home", lay.venv,
            "--master", "--processes", "2", "--threads", "1",
            "--lazy-apps", "--die-on-term", "--buffer-size", "65535",
            # uwsgi's HTTP socket closes every connection after one request
            # without saying so; clients that re-use it get a reset.
            "--add-header", "Connection: close",
            "--disable-logging", "--hook-master-start",
            "unix_signal:15 gracefully_kill_them_all"]
