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

"""The Nova API wrapper used by the engine (and by the API for host checks).

All requests share the service's keystoneauth session (see session.py), carry
microversion 2.53, have a request timeout, forward the caller's global
request id, and raise masakari exceptions instead of HTTP errors.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from keystoneauth1 import exceptions as ks_exc

from masakari import exception
from masakari.compute import exceptions as cexc
from masakari.compute import session as nova_session

MAX_PAGES = 10000
# The last microversion with Nova's image proxy (GET /images/{id}).
IMAGE_PROXY_MICROVERSION = "2.35"
# HTTP status -> exception class; anything else (401, 3xx, other 4xx)
# is a ComputeError.
_STATUS_MAP: dict[int, type[exception.MasakariException]] = {
    400: cexc.ComputeBadRequest,
    403: cexc.ComputeForbidden,
    404: cexc.ComputeNotFound,
    409: cexc.ComputeConflict,
    429: cexc.ComputeUnavailable,
}


def _translate(
    err: Exception, method: str, url: str
) -> exception.MasakariException:
    if isinstance(err, ks_exc.HttpError):
        status = err.http_status or 500
        cls = _STATUS_MAP.get(status)
        if cls is None:
            cls = (
                cexc.ComputeUnavailable if status >= 500 else cexc.ComputeError
            )
        reason = f"HTTP {status}: {err.message or err.details or ''}".strip()
        return cls(method=method, url=url, reason=reason)
    if isinstance(err, ks_exc.ConnectionError):
        return cexc.ComputeUnavailable(method=method, url=url, reason=str(err))
    return cexc.ComputeError(method=method, url=url, reason=str(err))


# A host name no compute service has: the warm-up call lists nothing.
WARM_UP_HOST = "masakari-engine-warm-up"


class API:
    """Nova calls needed by masakari.

    sessions is the service's SessionCache (one is made for this API
    when none is given); adapter_factory lets tests plug in a
    keystoneauth-like adapter (the simulator's, or a fake).
    """

    def __init__(
        self,
        conf: Any,
        adapter_factory: Callable[[Any], Any] | None = None,
        sessions: nova_session.SessionCache | None = None,
    ) -> None:
        self._conf = conf
        if adapter_factory is None:
            sessions = sessions or nova_session.SessionCache()
            adapter_factory = sessions.adapter
        self._adapter_factory = adapter_factory

    def warm_up(self) -> None:
        """Log in, find Nova's endpoint and make one authenticated call.

        The session keeps the token, so the first recovery does not pay
        for the login; keystoneauth renews it when it nears expiry. The
        call (a compute service listing filtered to a host name nothing
        has) lets Nova validate and cache that token: otherwise the first
        recovery's first request waits while Nova asks Keystone about it.
        It also shows at start-up whether Nova accepts the credentials.
        """
        adapter = self._adapter_factory(self._conf)
        get_endpoint = getattr(adapter, "get_endpoint", None)
        if get_endpoint is not None:
            get_endpoint()
        self.list_services(None, host=WARM_UP_HOST)

    # -- transport -----------------------------------------------------
    def _request(
        self,
        context: Any,
        method: str,
        url: str,
        *,
        json: Any = None,
        params: dict | None = None,
        microversion: str | None = None,
    ) -> Any:
        headers = {}
        global_id = getattr(context, "global_id", None)
        if global_id:
            headers["X-OpenStack-Request-ID"] = global_id
        kwargs: dict[str, Any] = {"headers": headers, "raise_exc": True}
        if json is not None:
            kwargs["json"] = json
        if params:
            kwargs["params"] = params
        if microversion:
            kwargs["microversion"] = microversion
        try:
            resp = self._adapter_factory(self._conf).request(
                url, method, **kwargs
            )
        except ks_exc.ClientException as err:
            raise _translate(err, method, url) from err
        if not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            return None

    def _action(self, context: Any, server_id: str, body: dict) -> None:
        self._request(
            context, "POST", f"/servers/{server_id}/action", json=body
        )

    # -- services ------------------------------------------------------
    def list_services(
        self,
        context: Any,
        host: str | None = None,
        binary: str | None = "nova-compute",
    ) -> list[dict]:
        params = {}
        if host is not None:
            params["host"] = host
        if binary is not None:
            params["binary"] = binary
        body = (
            self._request(context, "GET", "/os-services", params=params) or {}
        )
        # Nova filters exactly, but guard against a lax backend.
        return [
            s
            for s in body.get("services", [])
            if (host is None or s.get("host") == host)
            and (binary is None or s.get("binary") == binary)
        ]

    def get_compute_service(
        self, context: Any, host_name: str, binary: str = "nova-compute"
    ) -> dict:
        """Return the service record or raise ComputeNotFoundByName."""
        services = self.list_services(context, host=host_name, binary=binary)
        if not services:
            raise exception.ComputeNotFoundByName(compute_name=host_name)
        return services[0]

    def find_compute_service(self, context: Any, host_name: str) -> None:
        """Raise ComputeNotFoundByName unless host_name runs nova-compute."""
        self.get_compute_service(context, host_name)

    def update_service(
        self, context: Any, service_id: str, body: dict
    ) -> dict:
        resp = (
            self._request(
                context, "PUT", f"/os-services/{service_id}", json=body
            )
            or {}
        )
        return resp.get("service", {})

    def disable_service(
        self, context: Any, service_id: str, reason: str | None = None
    ) -> dict:
        body: dict[str, Any] = {"status": "disabled"}
        if reason:
            body["disabled_reason"] = reason
        return self.update_service(context, service_id, body)

    def enable_service(self, context: Any, service_id: str) -> dict:
        return self.update_service(context, service_id, {"status": "enabled"})

    def set_forced_down(
        self, context: Any, service_id: str, forced_down: bool
    ) -> dict:
        return self.update_service(
            context, service_id, {"forced_down": forced_down}
        )

    # -- servers -------------------------------------------------------
    def list_servers(self, context: Any, **filters: Any) -> list[dict]:
        """All servers (every tenant) matching filters, across pages."""
        params = {"all_tenants": "True"}
        params.update({k: v for k, v in filters.items() if v is not None})
        servers: list[dict] = []
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            body = (
                self._request(context, "GET", "/servers/detail", params=params)
                or {}
            )
            page = body.get("servers", [])
            fresh = [s for s in page if s.get("id") not in seen]
            servers.extend(fresh)
            seen.update(s.get("id") for s in fresh)
            has_next = any(
                link.get("rel") == "next"
                for link in body.get("servers_links", [])
            )
            if not page or not has_next or not fresh:
                break
            params = dict(params, marker=page[-1]["id"])
        return servers

    def get_servers_on_host(self, context: Any, host: str) -> list[dict]:
        return self.list_servers(context, host=host)

    def get_server(self, context: Any, server_id: str) -> dict:
        body = self._request(context, "GET", f"/servers/{server_id}") or {}
        return body.get("server", {})

    def get_servers_by_ids(
        self,
        context: Any,
        server_ids: Iterable[str],
        changes_since: str | None = None,
    ) -> dict[str, dict]:
        """Current records for many servers with as few requests as possible.

        One listing (changes-since narrows it to recently touched servers)
        per call; servers the listing did not return are fetched one by one, so
        the answer is complete even if the backend ignores the filter.

        With changes-since Nova also lists every server deleted in that
        window, in every project: on a busy cloud most of the listing. An
        admin's ``deleted=False`` leaves them out (Nova drops the filter
        for other users). A server deleted meanwhile is simply missing
        from the answer, so the others' records still arrive.
        """
        wanted = set(server_ids)
        found: dict[str, dict] = {}
        if len(wanted) > 1:
            filters = {"changes-since": changes_since}
            if changes_since is not None:
                filters["deleted"] = "False"
            for server in self.list_servers(context, **filters):
                if server.get("id") in wanted:
                    found[server["id"]] = server
        for server_id in wanted - set(found):
            try:
                found[server_id] = self.get_server(context, server_id)
            except cexc.ComputeNotFound:
                continue
        return found

    def evacuate(
        self, context: Any, server_id: str, host: str | None = None
    ) -> None:
        self._action(
            context, server_id, {"evacuate": {"host": host} if host else {}}
        )

    def reset_state(self, context: Any, server_id: str, state: str) -> None:
        self._action(context, server_id, {"os-resetState": {"state": state}})

    def stop_server(self, context: Any, server_id: str) -> None:
        self._action(context, server_id, {"os-stop": None})

    def start_server(self, context: Any, server_id: str) -> None:
        self._action(context, server_id, {"os-start": None})

    def lock_server(self, context: Any, server_id: str) -> None:
        self._action(context, server_id, {"lock": None})

    def unlock_server(self, context: Any, server_id: str) -> None:
        self._action(context, server_id, {"unlock": None})

    # -- aggregates ----------------------------------------------------
    def list_aggregates(self, context: Any) -> list[dict]:
        body = self._request(context, "GET", "/os-aggregates") or {}
        return body.get("aggregates", [])

    def add_host_to_aggregate(
        self, context: Any, aggregate_id: Any, host: str
    ) -> None:
        self._request(
            context,
            "POST",
            f"/os-aggregates/{aggregate_id}/action",
            json={"add_host": {"host": host}},
        )

    def remove_host_from_aggregate(
        self, context: Any, aggregate_id: Any, host: str
    ) -> None:
        self._request(
            context,
            "POST",
            f"/os-aggregates/{aggregate_id}/action",
            json={"remove_host": {"host": host}},
        )

    # -- what the recovery policies read -------------------------------
    def get_image_properties(self, context: Any, image_id: str) -> dict:
        """An image's properties through Nova's image proxy.

        The proxy API exists up to microversion 2.35 only, so this one
        request pins that version (the session needs no image endpoint).
        """
        body = (
            self._request(
                context, "GET", f"/images/{image_id}",
                microversion=IMAGE_PROXY_MICROVERSION,
            )
            or {}
        )
        return dict((body.get("image") or {}).get("metadata") or {})

    def list_hypervisors(self, context: Any) -> list[dict]:
        """Hypervisors with their resource totals and usage."""
        body = (
            self._request(context, "GET", "/os-hypervisors/detail") or {}
        )
        return body.get("hypervisors", [])

    def list_server_groups(self, context: Any) -> list[dict]:
        """Server groups of every project, with members and policy."""
        body = (
            self._request(
                context, "GET", "/os-server-groups",
                params={"all_projects": "True"},
            )
            or {}
        )
        return body.get("server_groups", [])
