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

"""Builds the keystoneauth session + adapter shared by every Nova call.

Upstream built a new session (and logged in to Keystone) for every Nova call;
here a :class:`SessionCache`, owned by the service, keeps one session per
set of settings, so the token is requested once and re-used until it nears
expiry.
"""

from __future__ import annotations

import os
import re
import threading
import urllib.request
from typing import Any

from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import session as ks_session

NOVA_MICROVERSION = "2.53"
DEFAULT_TIMEOUT = 30
DEFAULT_POOL_SIZE = 10

_ID_LIKE = re.compile(r"^(default|[0-9a-f]{32})$")
# CA bundles requests takes from the environment when verify is True.
_CA_BUNDLE_ENV = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
_NETRC_FILES = (".netrc", "_netrc")


def domain_args(prefix: str, value: str | None) -> dict[str, str]:
    """Domain ids ('default', 32-hex uuids) go as ids, anything else as names.

    Keystone looks names up case-sensitively on PostgreSQL, where the default
    domain is named 'Default' but has the id 'default'; passing it as an id
    works on every backend.
    """
    if not value:
        return {}
    if _ID_LIKE.match(value):
        return {f"{prefix}_domain_id": value}
    return {f"{prefix}_domain_name": value}


def parse_catalog_info(info: str) -> dict[str, str | None]:
    """'compute:nova:publicURL' -> service_type, service_name, interface."""
    parts = (info or "compute:nova:publicURL").split(":")
    parts += [""] * (3 - len(parts))
    service_type, service_name, endpoint_type = parts[:3]
    interface = (
        endpoint_type[:-3] if endpoint_type.endswith("URL") else endpoint_type
    )
    return {
        "service_type": service_type or "compute",
        "service_name": service_name or None,
        "interface": interface or "public",
    }


def _auth_type(conf: Any) -> str:
    """keystone_authtoken's auth_type where keystonemiddleware registered
    it (the API process), the password plugin elsewhere (the engine)."""
    if "keystone_authtoken" in conf:
        group = conf.keystone_authtoken
        if "auth_type" in group and group.auth_type:
            return group.auth_type
    return "password"


def _settings(conf: Any) -> dict[str, Any]:
    return {
        "auth_type": _auth_type(conf),
        "auth_url": conf.os_privileged_user_auth_url,
        "username": conf.os_privileged_user_name,
        "password": conf.os_privileged_user_password,
        "project_name": conf.os_privileged_user_tenant,
        "user_domain": conf.os_user_domain_name or "default",
        "project_domain": conf.os_project_domain_name or "default",
        "system_scope": conf.os_system_scope,
        "catalog": conf.nova_catalog_admin_info or "compute:nova:publicURL",
        "region": conf.os_region_name,
        # masakari's own Nova TLS options first, keystoneauth's [DEFAULT]
        # session options (registered beside them) for the rest.
        "cafile": conf.nova_ca_certificates_file or conf.cafile,
        "insecure": bool(conf.nova_api_insecure or conf.insecure),
        "timeout": (
            DEFAULT_TIMEOUT if conf.timeout is None else conf.timeout
        ),
        "certfile": conf.certfile,
        "keyfile": conf.keyfile,
        "collect_timing": bool(conf.collect_timing),
        "split_loggers": bool(conf.split_loggers),
        "tls_ciphers": conf.tls_ciphers,
        "tls_min_version": conf.tls_min_version,
        "pool_size": _pool_size(conf),
    }


def _pool_size(conf: Any) -> int:
    """Connections kept open to Nova: as many as the engine's evacuations
    can send at once (max_concurrent_evacuations, where registered).

    requests keeps 10 per host by default; with more threads than that,
    every request beyond the tenth opened a connection that was thrown
    away afterwards ("Connection pool is full").
    """
    # An unregistered option raises NoSuchOptError, an AttributeError.
    return max(DEFAULT_POOL_SIZE,
               getattr(conf, "max_concurrent_evacuations", 0))


def environment_once(verify: bool | str) -> bool | str | None:
    """``verify`` with requests' environment applied once, or None.

    With trust_env, requests reads proxies, CA bundle and netrc from the
    environment on every request: a scan of os.environ per call, several
    per evacuated instance. Without proxies and netrc, the only setting it
    would find is the CA bundle, which can as well be applied here, once;
    None means the environment has to be read per request.
    """
    if urllib.request.getproxies() or os.environ.get("NETRC"):
        return None
    home = os.path.expanduser("~")
    if any(os.path.exists(os.path.join(home, n)) for n in _NETRC_FILES):
        return None
    if verify is True:
        for name in _CA_BUNDLE_ENV:
            if os.environ.get(name):
                return os.environ[name]
    return verify


def build_adapter(settings: dict[str, Any]) -> ks_adapter.Adapter:
    """Create the auth plugin, session and compute adapter from settings."""
    loader = ks_loading.get_plugin_loader(settings["auth_type"] or "password")
    auth_kwargs: dict[str, Any] = {
        "auth_url": settings["auth_url"],
        "username": settings["username"],
        "password": settings["password"],
    }
    auth_kwargs.update(domain_args("user", settings["user_domain"]))
    if settings["system_scope"]:
        auth_kwargs["system_scope"] = settings["system_scope"]
    else:
        auth_kwargs["project_name"] = settings["project_name"]
        auth_kwargs.update(domain_args("project", settings["project_domain"]))
    plugin = loader.load_from_options(**auth_kwargs)
    verify: bool | str = not settings["insecure"]
    if settings["cafile"] and not settings["insecure"]:
        verify = settings["cafile"]
    once = environment_once(verify)
    cert: str | tuple[str, str] | None = settings.get("certfile")
    if cert and settings.get("keyfile"):
        cert = (cert, settings["keyfile"])
    session = ks_session.Session(
        auth=plugin,
        verify=verify if once is None else once,
        cert=cert,
        timeout=settings["timeout"],
        collect_timing=settings.get("collect_timing", False),
        split_loggers=settings.get("split_loggers") or None,
        tls_ciphers=settings.get("tls_ciphers"),
        tls_min_version=settings.get("tls_min_version") or None,
    )
    session.session.trust_env = once is None
    pool = ks_session.TCPKeepAliveAdapter(
        pool_maxsize=settings.get("pool_size") or DEFAULT_POOL_SIZE,
        tls_ciphers=settings.get("tls_ciphers"),
        tls_min_version=settings.get("tls_min_version") or None,
    )
    for scheme in ("https://", "http://"):
        session.session.mount(scheme, pool)
    catalog = parse_catalog_info(settings["catalog"])
    return ks_adapter.Adapter(
        session,
        service_type=catalog["service_type"],
        service_name=catalog["service_name"],
        interface=catalog["interface"],
        region_name=settings["region"],
        default_microversion=NOVA_MICROVERSION,
        # No automatic retries: keystoneauth treats a read timeout like a
        # connection timeout, and re-sending a timed-out evacuate is unsafe.
        connect_retries=0,
        user_agent="masakari-engine",
    )


class SessionCache:
    """The adapters of one service, one per set of Nova settings."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._adapters: dict[tuple, ks_adapter.Adapter] = {}

    def adapter(self, conf: Any) -> ks_adapter.Adapter:
        """The adapter for conf's current settings (built once)."""
        settings = _settings(conf)
        key = tuple(sorted((k, str(v)) for k, v in settings.items()))
        with self._lock:
            adapter = self._adapters.get(key)
            if adapter is None:
                adapter = build_adapter(settings)
                self._adapters[key] = adapter
            return adapter

    def clear(self) -> None:
        """Forget the adapters (config reload)."""
        with self._lock:
            self._adapters.clear()


def reset_cache() -> None:
    """Nothing to forget: sessions live in each service's SessionCache.

    Kept for the all-in-one demo, which still calls it after pointing the
    configuration at its simulated cloud.
    """
