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

"""Plain-HTTP Kubernetes API access: list nodes.

Credentials come from a kubeconfig file (``[kubernetes] kubeconfig``) or,
by default, from the pod's service account. No Kubernetes client library
is needed.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import ssl
import tempfile
import urllib.parse
import urllib.request

import yaml

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


class ConfigError(Exception):
    pass


class APIError(Exception):
    pass


@dataclasses.dataclass
class Credentials:
    server: str
    token: str | None = None
    token_file: str | None = None
    ca_file: str | None = None
    ca_data: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    verify: bool = True

    def bearer(self) -> str | None:
        if self.token_file:     # service-account tokens rotate: re-read
            with open(self.token_file) as f:
                return f.read().strip()
        return self.token


def in_cluster(environ=os.environ, sa_dir: str = SA_DIR) -> Credentials:
    host = environ.get("KUBERNETES_SERVICE_HOST")
    port = environ.get("KUBERNETES_SERVICE_PORT")
    token = os.path.join(sa_dir, "token")
    if not host or not port or not os.path.exists(token):
        raise ConfigError("not running in a Kubernetes pod (no service "
                          "host/port or service account token); set "
                          "[kubernetes] kubeconfig")
    if ":" in host:
        host = f"[{host}]"
    ca = os.path.join(sa_dir, "ca.crt")
    return Credentials(server=f"https://{host}:{port}", token_file=token,
                       ca_file=ca if os.path.exists(ca) else None)


def _named(items, name: str, kind: str) -> dict:
    for item in items or []:
        if isinstance(item, dict) and item.get("name") == name:
            return item.get(kind) or {}
    raise ConfigError(f"kubeconfig has no {kind} named {name!r}")


def _data_file(data: str, directory: str, name: str) -> str:
    path = os.path.join(directory, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(base64.b64decode(data))
    return path


def from_kubeconfig(path: str) -> Credentials:
    try:
        with open(path) as f:
            doc = yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read kubeconfig {path}: {exc}") from exc
    base = os.path.dirname(os.path.abspath(path))

    def rel(p):
        return p if p is None or os.path.isabs(p) else os.path.join(base, p)

    context = _named(doc.get("contexts"), doc.get("current-context"),
                     "context")
    cluster = _named(doc.get("clusters"), context.get("cluster"), "cluster")
    user = _named(doc.get("users"), context.get("user"), "user")
    if not cluster.get("server"):
        raise ConfigError(f"kubeconfig {path}: cluster has no server")
    creds = Credentials(
        server=cluster["server"].rstrip("/"),
        token=user.get("token"), token_file=rel(user.get("tokenFile")),
        ca_file=rel(cluster.get("certificate-authority")),
        cert_file=rel(user.get("client-certificate")),
        key_file=rel(user.get("client-key")),
        verify=not cluster.get("insecure-skip-tls-verify", False))
    if cluster.get("certificate-authority-data"):
        creds.ca_data = base64.b64decode(
            cluster["certificate-authority-data"]).decode()
    if user.get("client-certificate-data") and user.get("client-key-data"):
        directory = tempfile.mkdtemp(prefix="masakari-kube-")
        creds.cert_file = _data_file(user["client-certificate-data"],
                                     directory, "client.crt")
        creds.key_file = _data_file(user["client-key-data"], directory,
                                    "client.key")
    return creds


class Client:
    def __init__(self, creds: Credentials, timeout: float = 10.0) -> None:
        self.creds = creds
        self.timeout = timeout
        self._context = None
        if creds.server.startswith("https://"):
            ctx = ssl.create_default_context(cafile=creds.ca_file,
                                             cadata=creds.ca_data)
            if not creds.verify:
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            if creds.cert_file:
                ctx.load_cert_chain(creds.cert_file, creds.key_file)
            self._context = ctx

    def list_nodes(self, label_selector: str = "") -> list[dict]:
        query = ("?" + urllib.parse.urlencode(
            {"labelSelector": label_selector}) if label_selector else "")
        req = urllib.request.Request(self.creds.server + "/api/v1/nodes"
                                     + query)
        req.add_header("Accept", "application/json")
        token = self.creds.bearer()
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout,
                                        context=self._context) as resp:
                doc = json.load(resp)
        except (OSError, ValueError) as exc:
            raise APIError(f"listing nodes failed: {exc}") from exc
        items = doc.get("items") if isinstance(doc, dict) else None
        if not isinstance(items, list):
            raise APIError("listing nodes: unexpected answer")
        return items


def ready_status(node: dict) -> str | None:
    """``status`` of the node's Ready condition (True/False/Unknown)."""
    for cond in (node.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            return cond.get("status")
    return None
