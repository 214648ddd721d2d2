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

"""The /v1 route table: every URL, method and the action it maps to.

Each collection gets the routes a Routes "resource" mapper would generate;
an action its handler module does not define answers 405. Every route also
exists under a ``/{project_id}`` prefix, except the version document.
"""

from __future__ import annotations

from typing import NamedTuple

import routes


class Collection(NamedTuple):
    controller: str          # handler module name in masakari.api.handlers
    path: str                # collection path below /v1
    member_actions: tuple = ()  # extra POST /{id}/<action> routes


COLLECTIONS = (
    Collection('versions', '/versions'),
    Collection('extensions', '/extensions'),
    Collection('segments', '/segments', member_actions=('action',)),
    Collection('hosts', '/segments/{segment_id}/hosts'),
    Collection('notifications', '/notifications', member_actions=('action',)),
    Collection('vmoves', '/notifications/{notification_id}/vmoves'),
    # From microversion 1.4 (microversion.CONTROLLER_MIN_VERSION).
    Collection('recovery_plans', '/segments/{segment_id}/recovery_plans'),
)

# (method, suffix below the collection path, action); order matters: "new"
# must be tried before "{id}".
STANDARD_ROUTES = (
    ('GET', '', 'index'),
    ('POST', '', 'create'),
    ('GET', '/new', 'new'),
    ('GET', '/{id}', 'show'),
    ('PUT', '/{id}', 'update'),
    ('DELETE', '/{id}', 'delete'),
    ('GET', '/{id}/edit', 'edit'),
)

# The version document, reachable without a project prefix only.
ROOT_ROUTES = (
    ('GET', '', 'versions', 'root'),
    ('GET', '/', 'versions', 'root'),
)

DEFAULT_PROJECT_ID_REGEX = r'[0-9a-f\-]+'


def route_table() -> list[tuple[str, str, str, str]]:
    """All (method, path, controller, action) rows without project prefix."""
    rows = [(m, p, c, a) for m, p, c, a in ROOT_ROUTES]
    for coll in COLLECTIONS:
        for method, suffix, action in STANDARD_ROUTES:
            rows.append((method, coll.path + suffix, coll.controller, action))
        for action in coll.member_actions:
            rows.append(('POST', f'{coll.path}/{{id}}/{action}',
                         coll.controller, action))
    return rows


def build_mapper(project_id_regex: str | None = None) -> routes.Mapper:
    regex = project_id_regex or DEFAULT_PROJECT_ID_REGEX
    mapper = routes.Mapper(explicit=True)
    mapper.minimization = False
    for method, path, controller, action in route_table():
        conditions = {'method': [method]}
        mapper.connect(path, controller=controller, action=action,
                       conditions=conditions)
        if controller == 'versions' and action == 'root':
            continue
        mapper.connect('/{project_id}' + path, controller=controller,
                       action=action, conditions=conditions,
                       requirements={'project_id': regex})
    # Routes compiles its regexes lazily on the first match; do it now so
    # concurrent first requests do not race on it.
    mapper.routematch('/', {'REQUEST_METHOD': 'GET'})
    return mapper
