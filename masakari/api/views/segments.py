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

"""Segment representation (fields in upstream's order)."""

from typing import Any

from masakari.api.views import common

FIELDS = (
    ('id', common.identity),
    ('uuid', common.identity),
    ('name', common.identity),
    ('service_type', common.identity),
    ('enabled', common.as_bool),
    ('description', common.identity),
    ('recovery_method', common.identity),
) + common.TIMESTAMP_FIELDS


def show(segment: Any) -> dict:
    return common.render(segment, FIELDS)


def single(segment: Any) -> dict:
    return {'segment': show(segment)}


def collection(segments: list) -> dict:
    return {'segments': [show(s) for s in segments]}
