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

"""GET /v1/extensions and /v1/extensions/{alias}."""

from masakari.api import errors
from masakari.api.handlers import common
from masakari.api.request import ApiRequest
from masakari.api.request import ApiResponse
from masakari import policy

# alias: (name, description), listed sorted by alias.
EXTENSIONS = {
    'extensions': ('Extensions', 'Extension information.'),
    'notifications': ('Notifications', 'Notifications support.'),
    'os-hosts': ('Hosts', 'Hosts controller'),
    'segments': ('Segments', 'Segments Extension.'),
    'versions': ('Versions', 'API Version information.'),
    'vmoves': ('vmoves', 'vmoves controller'),
}


def _view(alias: str) -> dict:
    name, description = EXTENSIONS[alias]
    return {'name': name, 'alias': alias, 'description': description,
            'namespace': '', 'updated': '', 'links': []}


def _discoverable(req: ApiRequest, alias: str) -> bool:
    return policy.check(req.app.enforcer, req.context,
                        f'{common.RULE_PREFIX}{alias}:discoverable')


def index(req: ApiRequest) -> ApiResponse:
    common.authorize(req, 'extensions', 'index')
    items = [_view(alias) for alias in sorted(EXTENSIONS)
             if _discoverable(req, alias)]
    return ApiResponse(200, {'extensions': items})


def show(req: ApiRequest, id: str) -> ApiResponse:
    common.authorize(req, 'extensions', 'detail')
    if id not in EXTENSIONS or not _discoverable(req, id):
        raise errors.not_found()
    return ApiResponse(200, {'extension': _view(id)})
