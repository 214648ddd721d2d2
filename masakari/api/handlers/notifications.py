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

"""/v1/notifications: list, create, show (details at microversion 1.1)."""

import logging

import oslo_messaging as messaging

from masakari.api import errors
from masakari.api import params
from masakari.api import validation
from masakari.api.handlers import common
from masakari.api.request import ApiRequest
from masakari.api.request import ApiResponse
from masakari.api.schemas import notifications as schemas
from masakari.api.views import notifications as views
from masakari import exception
from masakari.ha import notifications as ha

LOG = logging.getLogger(__name__)
RESOURCE = 'notifications'
FILTERS = ('status', 'source_host_uuid', 'type')
ENGINE_UNAVAILABLE = ('Recovery workflow details are unavailable: the '
                      'engine did not answer.')


def index(req: ApiRequest) -> ApiResponse:
    common.authorize(req, RESOURCE, 'index')
    page = params.list_params(req)
    filters = params.filters_from(req, FILTERS)
    since = req.param('generated-since')
    if since is not None:
        try:
            filters['generated_since'] = params.parse_datetime(since)
        except ValueError:
            raise errors.bad_request('Invalid generated-since value') \
                from None
    if page.limit == 0:
        return ApiResponse(200, views.collection([]))
    notifications = ha.list_notifications(req.app.db, filters, page.sort_keys,
                                          page.sort_dirs, page.limit,
                                          page.marker)
    return ApiResponse(200, views.collection(notifications))


def _details(req: ApiRequest, notification: object) -> list:
    try:
        return ha.get_recovery_workflow_details(req.app.intake, req.context,
                                                notification)
    except (messaging.MessagingException, exception.MasakariException):
        LOG.error('Engine did not return recovery workflow details',
                  exc_info=True)
        raise errors.ApiError(503, ENGINE_UNAVAILABLE) from None


def show(req: ApiRequest, id: str) -> ApiResponse:
    common.authorize(req, RESOURCE, 'detail')
    if not common.is_uuid_like(id):
        raise exception.NotificationNotFound(id=id)
    notification = ha.get_notification(req.app.db, id)
    details = _details(req, notification) if req.is_at_least(1, 1) \
        else None
    return ApiResponse(200, views.single(notification, details))


def _without_object_keys(body: object) -> object:
    """The body with the payload's object-valued keys left out, for the
    generic layer (which allows string values only)."""
    inner = body.get('notification') if isinstance(body, dict) else None
    payload = inner.get('payload') if isinstance(inner, dict) else None
    if not isinstance(payload, dict) or not (
            schemas.OBJECT_KEYS & payload.keys()):
        return body
    payload = {k: v for k, v in payload.items()
               if k not in schemas.OBJECT_KEYS}
    return dict(body, notification=dict(inner, payload=payload))


def create(req: ApiRequest) -> ApiResponse:
    validation.validate(schemas.create, _without_object_keys(req.body))
    common.authorize(req, RESOURCE, 'create')
    inner = req.body['notification']
    validation.validate(schemas.PAYLOADS[inner['type']], inner['payload'])
    try:
        generated_time = params.parse_datetime(inner['generated_time'])
    except ValueError:  # pragma: no cover - the schema format checks it
        raise errors.bad_request('Invalid generated_time value') from None
    notification = req.app.intake.create(req.context, {
        'type': inner['type'],
        'hostname': inner['hostname'],
        'generated_time': generated_time,
        'payload': inner['payload'],
    })
    return ApiResponse(202, views.single(notification))
