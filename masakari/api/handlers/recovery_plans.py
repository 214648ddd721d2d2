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

"""/v1/segments/{segment_id}/recovery_plans (microversion 1.4).

What a host recovery would do if the host failed now: the segment's plan
(index: every host that could fail, and whether the segment keeps the room
to absorb any one failure) or one host's (show). Read with the segments'
and hosts' 'detail' policy rules.
"""

from masakari.api.handlers import common
from masakari.api.request import ApiRequest
from masakari.api.request import ApiResponse
from masakari import exception


def index(req: ApiRequest, segment_id: str) -> ApiResponse:
    common.authorize(req, 'segments', 'detail')
    if not common.is_uuid_like(segment_id):
        raise exception.FailoverSegmentNotFound(id=segment_id)
    plan = req.app.recovery_planner.segment_plan(req.app.db, req.context,
                                                 segment_id)
    return ApiResponse(200, {'recovery_plan': plan})


def show(req: ApiRequest, segment_id: str, id: str) -> ApiResponse:
    common.authorize(req, 'os-hosts', 'detail')
    if not common.is_uuid_like(segment_id):
        raise exception.FailoverSegmentNotFound(id=segment_id)
    if not common.is_uuid_like(id):
        raise exception.HostNotFound(id=id)
    plan = req.app.recovery_planner.host_plan(req.app.db, req.context,
                                              segment_id, id)
    return ApiResponse(200, {'recovery_plan': plan})
