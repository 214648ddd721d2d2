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

"""Legacy API v1 options (group osapi_v1)."""

from oslo_config import cfg

osapi_v1_group = cfg.OptGroup(
    'osapi_v1',
    title='API v1 options',
    help='Options under this group are used to define the API v1.')

osapi_v1_opts = [
    # extensions_blacklist and extensions_whitelist (deprecated upstream)
    # are not registered: the API extensions are always all enabled.
    cfg.StrOpt('project_id_regex',
               deprecated_for_removal=True,
               deprecated_reason='Project ids are matched by a fixed '
                                 'pattern.',
               help='Regular expression a project id in the URL must match '
                    '(default: [0-9a-f\\-]+).'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(osapi_v1_group)
    conf.register_opts(osapi_v1_opts, group=osapi_v1_group)


def list_opts() -> dict:
    return {osapi_v1_group: osapi_v1_opts}
