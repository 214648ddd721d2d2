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

"""masakari.conf and api-paste.ini as pure functions of the charm's inputs."""

from __future__ import annotations

import dataclasses
import pathlib
from collections.abc import Mapping
from typing import Any

import charm_common

from masakari_charm import relations

CONF_DIR = "/etc/masakari"
SSL_DIR = CONF_DIR + "/ssl"
CERT_FILE = SSL_DIR + "/masakari.crt"
KEY_FILE = SSL_DIR + "/masakari.key"
CA_FILE = SSL_DIR + "/ca.crt"
STATE_PATH = "/var/lib/masakari"
UNIT_DIR = pathlib.Path(__file__).parent / "units"

HEADER = "Written by the masakari charm: local changes are overwritten."

# Charm option -> (group, option) copied verbatim into masakari.conf.
PASSTHROUGH = {
    "debug": ("DEFAULT", "debug"),
    "evacuate-all-instances": ("host_failure", "evacuate_all_instances"),
    "ignore-instances-in-error-state": ("host_failure",
                                        "ignore_instances_in_error_state"),
    "add-reserved-host-to-aggregate": ("host_failure",
                                       "add_reserved_host_to_aggregate"),
    "process-all-instances": ("instance_failure", "process_all_instances"),
}


@dataclasses.dataclass(frozen=True)
class Inputs:
    """Everything masakari.conf depends on."""

    config: Mapping[str, Any]
    identity: relations.Identity
    transport_url: str
    database_url: str
    tls: bool = False


def masakari_conf(inputs: Inputs) -> str:
    config, identity = inputs.config, inputs.identity
    sections: dict[str, dict[str, charm_common.IniValue]] = {
        "DEFAULT": {
            "auth_strategy": "keystone",
            "transport_url": inputs.transport_url,
            "state_path": STATE_PATH,
            "masakari_api_listen": "0.0.0.0",
            "masakari_api_listen_port": relations.API_PORT,
            "masakari_api_workers": config.get("api-workers") or None,
            "use_ssl": inputs.tls,
            "os_region_name": config["region"],
            "os_privileged_user_name": identity.username,
            "os_privileged_user_password": identity.password,
            "os_privileged_user_tenant": identity.project,
            "os_privileged_user_auth_url": identity.auth_url,
            "os_user_domain_name": identity.domain,
            "os_project_domain_name": identity.domain,
        },
        "database": {"connection": inputs.database_url},
        "taskflow": {
            "connection": (inputs.database_url
                           if config.get("taskflow-persistence") else None),
        },
        "host_failure": {},
        "instance_failure": {},
        "keystone_authtoken": {
            "auth_type": "password",
            "www_authenticate_uri": identity.public_auth_url,
            "auth_url": identity.auth_url,
            "region_name": config["region"],
            "username": identity.username,
            "password": identity.password,
            "project_name": identity.project,
            "user_domain_name": identity.domain,
            "project_domain_name": identity.domain,
        },
        "oslo_messaging_notifications": {"driver": "messagingv2"},
        "wsgi": {"api_paste_config": CONF_DIR + "/api-paste.ini"},
        "ssl": {
            "cert_file": CERT_FILE if inputs.tls else None,
            "key_file": KEY_FILE if inputs.tls else None,
        },
    }
    for option, (group, name) in PASSTHROUGH.items():
        sections[group][name] = bool(config.get(option))
    return charm_common.render_ini(sections, HEADER)


# The pipelines of masakari's own etc/masakari/api-paste.ini (a unit test
# checks that the two agree): the charm writes its copy because the package
# installs the file under the virtualenv's prefix, not in /etc.
_PASTE = (
    ("composite:masakari_api", (
        ("use", "call:masakari.api.middleware.urlmap:urlmap_factory"),
        ("/", "apiversions"),
        ("/healthcheck", "healthcheck"),
        ("/v1", "masakari_api_v1"))),
    ("composite:masakari_api_v1", (
        ("use", "call:masakari.api.middleware.auth:pipeline_factory"),
        ("keystone", "cors http_proxy_to_wsgi request_id faultwrap sizelimit "
                     "authtoken keystonecontext osapi_masakari_app_v1"),
        ("noauth2", "cors http_proxy_to_wsgi request_id faultwrap sizelimit "
                    "noauth2 osapi_masakari_app_v1"))),
    ("filter:cors", (
        ("paste.filter_factory",
         "masakari.api.middleware.oslo_filters:CORS.factory"),
        ("oslo_config_project", "masakari"))),
    ("filter:http_proxy_to_wsgi", (
        ("paste.filter_factory",
         "masakari.api.middleware.oslo_filters:HTTPProxyToWSGI.factory"),)),
    ("filter:request_id", (
        ("paste.filter_factory",
         "masakari.api.middleware.oslo_filters:RequestId.factory"),)),
    ("filter:faultwrap", (
        ("paste.filter_factory",
         "masakari.api.middleware.fault:FaultWrapper.factory"),)),
    ("filter:sizelimit", (
        ("paste.filter_factory",
         "masakari.api.middleware.sizelimit:SizeLimit.factory"),)),
    ("filter:authtoken", (
        ("paste.filter_factory", "keystonemiddleware.auth_token:"
                                 "filter_factory"),)),
    ("filter:keystonecontext", (
        ("paste.filter_factory",
         "masakari.api.middleware.auth:KeystoneContext.factory"),)),
    ("filter:noauth2", (
        ("paste.filter_factory",
         "masakari.api.middleware.auth:NoAuth2.factory"),)),
    ("app:osapi_masakari_app_v1", (
        ("paste.app_factory", "masakari.api.app:v1_factory"),)),
    ("pipeline:apiversions", (
        ("pipeline", "faultwrap http_proxy_to_wsgi apiversionsapp"),)),
    ("app:apiversionsapp", (
        ("paste.app_factory", "masakari.api.versions:root_factory"),)),
    ("app:healthcheck", (
        ("paste.app_factory", "oslo_middleware:Healthcheck.app_factory"),
        ("backends", "disable_by_file"),
        ("disable_by_file_path", CONF_DIR + "/healthcheck_disable"))),
)


def api_paste() -> str:
    return charm_common.render_ini(
        {name: dict(options) for name, options in _PASTE}, HEADER)


def units() -> dict[str, str]:
    """systemd unit file name -> content for both services.

    The units are deploy/systemd's, shipped inside the charm (a unit test
    checks the copies).
    """
    return {f"/etc/systemd/system/{name}": (UNIT_DIR / name).read_text()
            for name in ("masakari-api.service", "masakari-engine.service")}
