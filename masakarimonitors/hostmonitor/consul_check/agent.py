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

"""Minimal consul agent HTTP client (``GET /v1/agent/members``)."""

from __future__ import annotations

import json
import ssl
import urllib.request

DEFAULT_PORT = 8500
SERF_ALIVE = 1


class AgentError(Exception):
    pass


def split_address(address: str) -> tuple[str, int]:
    """``host[:port]``, ``[v6addr]:port``, ``[v6addr]`` or a bare IPv6
    address -> (host, port)."""
    address = address.strip()
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif address.count(":") == 1:
        host, port = address.split(":")
    else:
        host, port = address, ""
    if not host:
        raise ValueError(f"invalid consul agent address {address!r}")
    return host, int(port) if port else DEFAULT_PORT


class Agent:
    def __init__(self, address: str, scheme: str = "http",
                 token: str | None = None, cafile: str | None = None,
                 timeout: float = 5.0) -> None:
        host, port = split_address(address)
        shown = f"[{host}]" if ":" in host else host
        self.base = f"{scheme}://{shown}:{port}"
        self._token = token
        self._timeout = timeout
        self._context = (ssl.create_default_context(cafile=cafile)
                         if scheme == "https" else None)

    def members(self) -> dict[str, bool]:
        """Member name -> alive (serf status 1)."""
        req = urllib.request.Request(self.base + "/v1/agent/members")
        if self._token:
            req.add_header("X-Consul-Token", self._token)
        try:
            with urllib.request.urlopen(req, timeout=self._timeout,
                                        context=self._context) as resp:
                doc = json.load(resp)
        except (OSError, ValueError) as exc:
            raise AgentError(f"{self.base}: {exc}") from exc
        if not isinstance(doc, list):
            raise AgentError(f"{self.base}: unexpected answer")
        return {m["Name"]: m.get("Status") == SERF_ALIVE
                for m in doc if isinstance(m, dict) and m.get("Name")}
