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

"""/v1/segments/{segment_id}/hosts: list, create, show, update, delete."""

from masakari.api import params
from masakari.api import validation
from masakari.api.handlers import common
from masakari.api.request import ApiRequest
from masakari.api.request import ApiResponse
from masakari.api.schemas import hosts as schemas
from masakari.api.views import hosts as views
from masakari import exception
from masakari.ha import hosts as ha

RESOURCE = 'os-hosts'
# name and control_attributes filter for real (upstream ignored them).
FILTERS = ('type', 'on_maintenance', 'reserved', 'name',
           'control_attributes')
BOOLEAN_FIELDS = ('on_maintenance', 'reserved')


def _values(body: dict) -> dict:
    values = dict(body['host'])
    for name in BOOLEAN_FIELDS:
        if name in values:
            values[name] = params.strict_bool(name, values[name])
    return values


def index(req: ApiRequest, segment_id: str) -> ApiResponse:
    common.authorize(req, RESOURCE, 'index')
    page = params.list_params(req)
    filters = params.filters_from(req, FILTERS, BOOLEAN_FIELDS)
    hosts = ha.list_hosts(req.app.db, segment_id, filters, page.sort_keys,
                          page.sort_dirs, page.limit, page.marker)
    return ApiResponse(200, views.collection(hosts))


def show(req: ApiRequest, segment_id: str, id: str) -> ApiResponse:
    common.authorize(req, RESOURCE, 'detail')
    if not common.is_uuid_like(id):
        raise exception.HostNotFound(id=id)
    host = ha.get_host(req.app.db, segment_id, id)
    return ApiResponse(200, views.single(host))


def create(req: ApiRequest, segment_id: str) -> ApiResponse:
    validation.validate(schemas.create, req.body)
    common.authorize(req, RESOURCE, 'create')
    host = ha.create_host(req.app.db, req.context, segment_id,
                          _values(req.body), req.app.compute_check,
                          emitter=req.app.emitter)
    return ApiResponse(201, views.single(host))


def update(req: ApiRequest, segment_id: str, id: str) -> ApiResponse:
    validation.validate(schemas.update, req.body)
    common.authorize(req, RESOURCE, 'update')
    host = ha.update_host(req.app.db, req.context, segment_id, id,
                          _values(req.body), req.app.compute_check,
                          emitter=req.app.emitter)
    return ApiResponse(200, views.single(host))


def delete(req: ApiRequest, segment_id: str, id: str) -> ApiResponse:
    common.authorize(req, RESOURCE, 'delete')
    ha.delete_host(req.app.db, req.context, segment_id, id,
                   emitter=req.app.emitter)
    return ApiResponse(204)
