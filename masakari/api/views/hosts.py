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

"""Host representation (fields in upstream's order)."""

from typing import Any

from masakari.api.views import common
from masakari.api.views import segments


def _segment(value: Any) -> dict | None:
    return None if value is None else segments.show(value)


FIELDS = (
    ('id', common.identity),
    ('uuid', common.identity),
    ('name', common.identity),
    ('failover_segment_id', common.identity),
    ('failover_segment', _segment),
    ('type', common.identity),
    ('reserved', common.as_bool),
    ('control_attributes', common.identity),
    ('on_maintenance', common.as_bool),
) + common.TIMESTAMP_FIELDS


def show(host: Any) -> dict:
    return common.render(host, FIELDS)


def single(host: Any) -> dict:
    return {'host': show(host)}


def collection(hosts: list) -> dict:
    """All hosts; a segment shared by many hosts is rendered once."""
    seen: dict = {}

    def segment(value: Any) -> dict | None:
        key = None if value is None else value.id
        if key not in seen:
            seen[key] = _segment(value)
        return seen[key]

    fields = tuple((name, segment if name == 'failover_segment' else conv)
                   for name, conv in FIELDS)
    return {'hosts': [common.render(h, fields) for h in hosts]}
