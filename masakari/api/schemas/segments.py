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

"""Request bodies of /segments (create and update, per microversion)."""

import copy

from masakari.api.schemas import common

_properties = {
    'name': common.name,
    'service_type': common.name,
    'recovery_method': common.recovery_method,
    'description': common.description,
}

create = common.create_body('segment', _properties,
                            ['name', 'recovery_method', 'service_type'])

update = common.update_body(
    'segment', _properties,
    ('name', 'description', 'recovery_method', 'service_type'))

create_v12 = copy.deepcopy(create)
create_v12['properties']['segment']['properties']['enabled'] = common.boolean

update_v12 = copy.deepcopy(update)
update_v12['properties']['segment']['properties']['enabled'] = common.boolean
update_v12['properties']['segment']['anyOf'].append({'required': ['enabled']})
