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

"""VM move representation (fields in upstream's order)."""

from typing import Any

from masakari.api.views import common

FIELDS = (
    ('id', common.identity),
    ('uuid', common.identity),
    ('notification_uuid', common.identity),
    ('instance_uuid', common.identity),
    ('instance_name', common.identity),
    ('source_host', common.identity),
    ('dest_host', common.identity),
    ('start_time', common.datetime_text),
    ('end_time', common.datetime_text),
    ('type', common.identity),
    ('status', common.identity),
    ('message', common.identity),
) + common.TIMESTAMP_FIELDS


def show(vmove: Any) -> dict:
    return common.render(vmove, FIELDS)


def single(vmove: Any) -> dict:
    return {'vmove': show(vmove)}


def collection(vmoves: list) -> dict:
    return {'vmoves': [show(v) for v in vmoves]}
