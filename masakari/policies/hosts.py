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

"""Rules for hosts."""

from masakari.policies import base

_HOSTS = '/segments/{segment_id}/hosts'
_HOST = _HOSTS + '/{host_id}'

RULES = [
    base.api_rule('os-hosts', 'index', 'GET', _HOSTS,
                  'List the hosts of a segment.'),
    base.api_rule('os-hosts', 'detail', 'GET', _HOST,
                  'Show a host.'),
    base.api_rule('os-hosts', 'create', 'POST', _HOSTS,
                  'Create a host.'),
    base.api_rule('os-hosts', 'update', 'PUT', _HOST,
                  'Update a host.'),
    base.api_rule('os-hosts', 'delete', 'DELETE', _HOST,
                  'Delete a host.'),
    base.discoverable('os-hosts'),
]
