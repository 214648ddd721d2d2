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

"""/v1/notifications/{notification_id}/vmoves: list and show."""

from masakari.api import params
from masakari.api.handlers import common
from masakari.api.request import ApiRequest
from masakari.api.request import ApiResponse
from masakari.api.views import vmoves as views
from masakari.ha import vmoves as ha

RESOURCE = 'vmoves'
FILTERS = ('status', 'type')


def index(req: ApiRequest, notification_id: str) -> ApiResponse:
    common.authorize(req, RESOURCE, 'index')
    page = params.list_params(req)
    filters = params.filters_from(req, FILTERS)
    vmoves = ha.list_vmoves(req.app.db, notification_id, filters,
                            page.sort_keys, page.sort_dirs, page.limit,
                            page.marker)
    return ApiResponse(200, views.collection(vmoves))


def show(req: ApiRequest, notification_id: str, id: str) -> ApiResponse:
    common.authorize(req, RESOURCE, 'detail')
    vmove = ha.get_vmove(req.app.db, notification_id, id)
    return ApiResponse(200, views.single(vmove))
