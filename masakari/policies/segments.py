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

"""Rules for failover segments."""

from masakari.policies import base

_SEGMENTS = '/segments'
_SEGMENT = '/segments/{segment_id}'

RULES = [
    base.api_rule('segments', 'index', 'GET', _SEGMENTS,
                  'List failover segments.'),
    base.api_rule('segments', 'detail', 'GET', _SEGMENT,
                  'Show a failover segment.'),
    base.api_rule('segments', 'create', 'POST', _SEGMENTS,
                  'Create a failover segment.'),
    base.api_rule('segments', 'update', 'PUT', _SEGMENT,
                  'Update a failover segment.'),
    base.api_rule('segments', 'delete', 'DELETE', _SEGMENT,
                  'Delete a failover segment.'),
    base.discoverable('segments'),
]
