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

"""How masakari reaches Nova (group DEFAULT).

The API checks host names against Nova's compute services; the engine runs
recoveries through Nova. Both use the privileged user below with one shared
keystoneauth session.
"""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

nova_opts = [
    cfg.StrOpt('nova_catalog_admin_info',
               default='compute:nova:publicURL',
               help='Where to find Nova in the service catalog, as '
                    '<service_type>:<service_name>:<endpoint_type>.'),
    cfg.StrOpt('os_region_name',
               help='Region name of this node, used to pick the Nova '
                    'endpoint from the catalog.'),
    cfg.StrOpt('nova_ca_certificates_file',
               help='CA certificates file to verify Nova\'s TLS '
                    'certificate.'),
    cfg.BoolOpt('nova_api_insecure',
                default=False,
                help='Do not verify Nova\'s TLS certificate.'),
    cfg.StrOpt('os_privileged_user_name',
               help='Name of the user masakari acts as towards Nova (needs '
                    'the admin role).'),
    cfg.StrOpt('os_privileged_user_password',
               secret=True,
               help='Password of os_privileged_user_name.'),
    cfg.StrOpt('os_privileged_user_tenant',
               help='Project (tenant) name of os_privileged_user_name.'),
    cfg.URIOpt('os_privileged_user_auth_url',
               help='Keystone URL used to authenticate '
                    'os_privileged_user_name.'),
    cfg.StrOpt('os_user_domain_name',
               default='default',
               help='User domain of os_privileged_user_name: a domain name '
                    'or, since names are case-sensitive on some Keystone '
                    'databases, a domain id.'),
    cfg.StrOpt('os_project_domain_name',
               default='default',
               help='Project domain of os_privileged_user_tenant: a domain '
                    'name or a domain id.'),
    cfg.StrOpt('os_system_scope',
               help='Scope for system operations (for example "all"); when '
                    'set, the privileged user authenticates system-scoped '
                    'instead of to a project.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(nova_opts)
    conf.register_opts(ks_loading.get_session_conf_options())


def list_opts() -> dict:
    return {'DEFAULT': nova_opts + ks_loading.get_session_conf_options()}
