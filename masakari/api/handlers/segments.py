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

"""/v1/segments: list, create, show, update, delete."""

from masakari.api import params
from masakari.api import validation
from masakari.api.handlers import common
from masakari.api.request import ApiRequest
from masakari.api.request import ApiResponse
from masakari.api.schemas import segments as schemas
from masakari.api.views import segments as views
from masakari import exception
from masakari.ha import segments as ha

RESOURCE = 'segments'
FILTERS = ('recovery_method', 'service_type', 'enabled')
BOOLEAN_FILTERS = ('enabled',)
# (minimum microversion, schema), newest first: 1.2 accepts "enabled".
CREATE_SCHEMAS = (((1, 2), schemas.create_v12), ((1, 0), schemas.create))
UPDATE_SCHEMAS = (((1, 2), schemas.update_v12), ((1, 0), schemas.update))


def _values(body: dict) -> dict:
    values = dict(body['segment'])
    if 'enabled' in values:
        # NOTE: strict on update too (upstream used truthiness there).
        values['enabled'] = params.strict_bool('enabled', values['enabled'])
    return values


def index(req: ApiRequest) -> ApiResponse:
    common.authorize(req, RESOURCE, 'index')
    page = params.list_params(req)
    filters = params.filters_from(req, FILTERS, BOOLEAN_FILTERS)
    if page.limit == 0:
        return ApiResponse(200, views.collection([]))
    segments = ha.list_segments(req.app.db, filters, page.sort_keys,
                                page.sort_dirs, page.limit, page.marker)
    return ApiResponse(200, views.collection(segments))


def show(req: ApiRequest, id: str) -> ApiResponse:
    common.authorize(req, RESOURCE, 'detail')
    if not common.is_uuid_like(id):
        raise exception.FailoverSegmentNotFound(id=id)
    return ApiResponse(200, views.single(ha.get_segment(req.app.db, id)))


def create(req: ApiRequest) -> ApiResponse:
    validation.validate(common.for_version(CREATE_SCHEMAS, req.version),
                        req.body)
    common.authorize(req, RESOURCE, 'create')
    segment = ha.create_segment(req.app.db, req.context, _values(req.body),
                                emitter=req.app.emitter)
    return ApiResponse(201, views.single(segment))


def update(req: ApiRequest, id: str) -> ApiResponse:
    validation.validate(common.for_version(UPDATE_SCHEMAS, req.version),
                        req.body)
    common.authorize(req, RESOURCE, 'update')
    segment = ha.update_segment(req.app.db, req.context, id,
                                _values(req.body), emitter=req.app.emitter)
    return ApiResponse(200, views.single(segment))


def delete(req: ApiRequest, id: str) -> ApiResponse:
    common.authorize(req, RESOURCE, 'delete')
    ha.delete_segment(req.app.db, req.context, id, emitter=req.app.emitter)
    return ApiResponse(204)
