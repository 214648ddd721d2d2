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

"""Base rules every API rule builds on."""

from oslo_policy import policy

RULE_ADMIN_API = 'rule:admin_api'
RULE_ANY = '@'
PREFIX = 'os_masakari_api:'

RULES = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       description='Decides whether a request is made by an '
                                   'administrator (the is_admin flag).'),
    policy.RuleDefault('admin_or_owner',
                       'is_admin:True or project_id:%(project_id)s',
                       description='Administrator or owner of the project.'),
    policy.RuleDefault('admin_api', 'is_admin:True',
                       description='Default rule for most admin APIs.'),
]


def api_rule(resource: str, action: str, method: str, path: str,
             description: str, check: str = RULE_ADMIN_API
             ) -> policy.DocumentedRuleDefault:
    """One documented rule named ``os_masakari_api:<resource>:<action>``."""
    return policy.DocumentedRuleDefault(
        name=f'{PREFIX}{resource}:{action}', check_str=check,
        description=description,
        operations=[{'method': method, 'path': path}])


def discoverable(resource: str, check: str = RULE_ADMIN_API
                 ) -> policy.RuleDefault:
    return policy.RuleDefault(
        name=f'{PREFIX}{resource}:discoverable', check_str=check,
        description=f'Whether the {resource} extension is listed.')
