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

"""Keystone's state: domains, projects, users, role assignments, tokens."""

from __future__ import annotations

import dataclasses
import secrets
import threading
import uuid

from masakari.testing.cloud.clock import Clock
from masakari.testing.cloud.errors import SimError

UNAUTHORIZED = 'The request you have made requires authentication.'


def _kerr(code: int, message: str) -> SimError:
    return SimError(code, message, style='keystone')


@dataclasses.dataclass
class Domain:
    id: str
    name: str


@dataclasses.dataclass
class Project:
    id: str
    name: str
    domain_id: str


@dataclasses.dataclass
class User:
    id: str
    name: str
    password: str
    domain_id: str
    project_roles: dict[str, set[str]] = dataclasses.field(
        default_factory=dict)
    system_roles: set[str] = dataclasses.field(default_factory=set)


@dataclasses.dataclass
class Token:
    id: str
    user: User
    project: Project | None
    system: bool
    roles: list[str]
    methods: list[str]
    issued_at: float
    expires_at: float
    audit_id: str

    @property
    def is_admin(self) -> bool:
        return 'admin' in self.roles


@dataclasses.dataclass
class Endpoint:
    service_type: str
    service_name: str
    url: str
    id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)
    service_id: str = dataclasses.field(
        default_factory=lambda: uuid.uuid4().hex)


class Identity:
    """Keystone v3 for the simulator.

    ``case_sensitive_names`` mirrors Keystone on PostgreSQL, where the
    default domain must be named exactly ``Default``; set it to False for
    Keystone-on-MySQL behaviour (case-insensitive name lookups).
    """

    def __init__(self, clock: Clock, region: str = 'RegionOne',
                 token_ttl: float = 3600.0,
                 case_sensitive_names: bool = True) -> None:
        self.clock = clock
        self.region = region
        self.token_ttl = token_ttl
        self.case_sensitive_names = case_sensitive_names
        self.lock = threading.RLock()
        # Keystone bootstrap creates domain id "default" named "Default".
        self.domains = {'default': Domain('default', 'Default')}
        self.projects: dict[str, Project] = {}
        self.users: dict[str, User] = {}
        self.tokens: dict[str, Token] = {}
        self.endpoints: list[Endpoint] = []
        self.token_requests = 0

    # -- building ---------------------------------------------------------

    def add_project(self, name: str, domain: str = 'default') -> Project:
        with self.lock:
            existing = self._find_project(name, self.domains[domain])
            if existing:
                return existing
            project = Project(uuid.uuid4().hex, name, domain)
            self.projects[project.id] = project
            return project

    def add_user(self, name: str, password: str, project: str | None = None,
                 roles: tuple[str, ...] | list[str] = ('member', 'reader'),
                 domain: str = 'default', system_roles: tuple = ()) -> User:
        """Create a user, optionally with roles on a project (by name)."""
        with self.lock:
            user = User(uuid.uuid4().hex, name, password, domain)
            if project is not None:
                proj = self.add_project(project, domain)
                user.project_roles[proj.id] = set(roles)
            user.system_roles = set(system_roles)
            self.users[user.id] = user
            return user

    def add_endpoint(self, service_type: str, service_name: str,
                     url: str) -> Endpoint:
        with self.lock:
            endpoint = Endpoint(service_type, service_name, url.rstrip('/'))
            self.endpoints = [e for e in self.endpoints
                              if e.service_type != service_type]
            self.endpoints.append(endpoint)
            return endpoint

    # -- lookups ------------------------------------------------------------

    def _same(self, a: str, b: str) -> bool:
        return a == b if self.case_sensitive_names else a.lower() == b.lower()

    def _domain(self, ref: dict | None) -> Domain:
        if not isinstance(ref, dict):
            raise _kerr(401, UNAUTHORIZED)
        if 'id' in ref:
            domain = self.domains.get(ref['id'])
        else:
            domain = next((d for d in self.domains.values()
                           if self._same(d.name, str(ref.get('name')))), None)
        if domain is None:
            raise _kerr(401, UNAUTHORIZED)
        return domain

    def _find_project(self, name: str, domain: Domain) -> Project | None:
        return next((p for p in self.projects.values()
                     if p.domain_id == domain.id and self._same(p.name, name)),
                    None)

    def _user(self, ref: dict) -> User:
        if 'id' in ref:
            user = self.users.get(ref['id'])
        else:
            domain = self._domain(ref.get('domain'))
            user = next((u for u in self.users.values()
                         if u.domain_id == domain.id
                         and self._same(u.name, str(ref.get('name')))), None)
        if user is None:
            raise _kerr(401, UNAUTHORIZED)
        return user

    # -- tokens -------------------------------------------------------------

    def authenticate(self, body: dict) -> Token:
        """POST /v3/auth/tokens: password or token method, optional scope."""
        try:
            auth = body['auth']
            identity = auth['identity']
            methods = list(identity['methods'])
        except (KeyError, TypeError):
            raise _kerr(400, "Invalid input for field 'identity': "
                        "'methods' is a required property")
        with self.lock:
            self.token_requests += 1
            if 'password' in methods:
                ref = (identity.get('password') or {}).get('user')
                if not isinstance(ref, dict):
                    raise _kerr(400, "Invalid input for field 'password'")
                user = self._user(ref)
                if not secrets.compare_digest(str(ref.get('password', '')),
                                              user.password):
                    raise _kerr(401, UNAUTHORIZED)
            elif 'token' in methods:
                old = self.validate((identity.get('token') or {}).get('id'))
                if old is None:
                    raise _kerr(404, 'Could not find token.')
                user = old.user
            else:
                raise _kerr(401, UNAUTHORIZED)
            return self._issue(user, auth.get('scope'), methods)

    def _issue(self, user: User, scope, methods: list[str]) -> Token:
        project, system, roles = None, False, []
        if isinstance(scope, dict) and 'project' in scope:
            ref = scope['project'] or {}
            if 'id' in ref:
                project = self.projects.get(ref['id'])
            else:
                project = self._find_project(str(ref.get('name')),
                                             self._domain(ref.get('domain')))
            if project is None or project.id not in user.project_roles:
                raise _kerr(401, 'User %s has no access to project %s'
                            % (user.id, ref.get('id') or ref.get('name')))
            roles = sorted(user.project_roles[project.id])
        elif isinstance(scope, dict) and 'system' in scope:
            if not user.system_roles:
                raise _kerr(401, 'User %s has no access to the system'
                            % user.id)
            system, roles = True, sorted(user.system_roles)
        elif scope is not None:
            raise _kerr(400, 'Unsupported scope: %s' % sorted(scope))
        now = self.clock.now()
        token = Token(secrets.token_urlsafe(48), user, project, system, roles,
                      methods, now, now + self.token_ttl,
                      secrets.token_urlsafe(16)[:22])
        self.tokens[token.id] = token
        return token

    def validate(self, token_id: str | None) -> Token | None:
        """The live token with that id, or None (unknown, revoked, expired)."""
        if not token_id:
            return None
        with self.lock:
            token = self.tokens.get(token_id)
            if token is None:
                return None
            if token.expires_at <= self.clock.now():
                del self.tokens[token_id]
                return None
            return token

    def revoke(self, token_id: str | None = None) -> None:
        """Revoke one token, or every token when ``token_id`` is None."""
        with self.lock:
            if token_id is None:
                self.tokens.clear()
            else:
                self.tokens.pop(token_id, None)
