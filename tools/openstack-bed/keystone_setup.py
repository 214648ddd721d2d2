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

"""Users, projects, roles and the service catalog of the test bed,
created through Keystone's REST API with the bootstrap admin's token."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import bed_conf as conf


def request(method: str, url: str, body: dict | None = None,
            token: str | None = None) -> tuple[int, dict, dict]:
    """(status, headers, json body) of one call; HTTP errors included."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Auth-Token"] = token
    req = urllib.request.Request(url, data=data, method=method,
                                 headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            raw = resp.read()
            return resp.status, dict(resp.headers), (
                json.loads(raw) if raw else {})
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"raw": raw.decode(errors="replace")}
        return err.code, dict(err.headers), parsed


def token_for(keystone_url: str, user: str, project: str,
              password: str = conf.PASSWORD) -> str:
    identity = {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}}
    scope = {"project": {"name": project, "domain": {"id": "default"}}}
    status, headers, body = request(
        "POST", keystone_url + "/auth/tokens",
        {"auth": {"identity": identity, "scope": scope}})
    if status != 201:
        raise RuntimeError(f"token for {user}@{project}: {status} {body}")
    return headers["X-Subject-Token"]


class Setup:
    """Creates what the bed's services and the tests need."""

    def __init__(self, lay: conf.Layout) -> None:
        self.lay = lay
        self.url = lay.keystone_url
        self.token = token_for(self.url, "admin", "admin")

    def _call(self, method: str, path: str, body: dict | None = None,
              ok: tuple[int, ...] = (200, 201, 204)) -> dict:
        status, _, parsed = request(method, self.url + path, body,
                                    self.token)
        if status not in ok:
            raise RuntimeError(f"{method} {path}: {status} {parsed}")
        return parsed

    def _id_by_name(self, collection: str, name: str) -> str | None:
        found = self._call("GET", f"/{collection}?name={name}")[collection]
        return found[0]["id"] if found else None

    def ensure(self, collection: str, key: str, body: dict) -> str:
        """Id of the named entity, created when missing."""
        existing = self._id_by_name(collection, body["name"])
        if existing:
            return existing
        return self._call("POST", f"/{collection}", {key: body})[key]["id"]

    def grant(self, project: str, user: str, role: str) -> None:
        self._call("PUT", f"/projects/{project}/users/{user}/roles/{role}")

    def service(self, type_: str, name: str, url: str) -> None:
        services = self._call("GET", f"/services?type={type_}")["services"]
        if services:
            return
        sid = self._call("POST", "/services", {"service": {
            "type": type_, "name": name, "enabled": True}})["service"]["id"]
        for interface in ("public", "internal", "admin"):
            self._call("POST", "/endpoints", {"endpoint": {
                "service_id": sid, "interface": interface, "url": url,
                "region_id": conf.REGION, "enabled": True}})

    def run(self) -> None:
        roles = {r: self.ensure("roles", "role", {"name": r})
                 for r in conf.ROLES + ("service",)}
        service_project = self.ensure("projects", "project", {
            "name": "service", "domain_id": "default"})
        for name in conf.SERVICE_USERS:
            uid = self.ensure("users", "user", {
                "name": name, "domain_id": "default",
                "password": conf.PASSWORD,
                "default_project_id": service_project})
            for role in ("admin", "service"):
                self.grant(service_project, uid, roles[role])
        for project in conf.PROJECTS:
            pid = self.ensure("projects", "project", {
                "name": project, "domain_id": "default"})
            for role in conf.ROLES:
                uid = self.ensure("users", "user", {
                    "name": f"{project}-{role}", "domain_id": "default",
                    "password": conf.PASSWORD, "default_project_id": pid})
                self.grant(pid, uid, roles[role])
        lay = self.lay
        self.service("compute", "nova", lay.nova_url)
        self.service("placement", "placement", lay.placement_url)
        self.service("image", "glance", lay.image_url)
        self.service("network", "neutron", lay.image_url)
        self.service("instance-ha", "masakari", lay.masakari_url)
