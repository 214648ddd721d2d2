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

"""GET /v1, /v1/ and /v1/versions/{id} (no policy check)."""

from masakari.api import errors
from masakari.api import microversion
from masakari.api import versions
from masakari.api.request import ApiRequest
from masakari.api.request import ApiResponse


def _base(req: ApiRequest) -> str:
    script = req.webob.script_name
    if script.endswith('/v1'):
        script = script[:-len('/v1')]
    return versions.base_url(req.webob.host_url, script,
                             req.app.conf.osapi_masakari_link_prefix)


def _document(req: ApiRequest) -> dict:
    return versions.v1_document(_base(req),
                                microversion.maximum(req.app.conf))


def root(req: ApiRequest) -> ApiResponse:
    return ApiResponse(200, _document(req))


def show(req: ApiRequest, id: str) -> ApiResponse:
    if id != versions.V1_ID:
        raise errors.not_found()
    return ApiResponse(200, _document(req))
