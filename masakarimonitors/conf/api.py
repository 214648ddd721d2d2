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

"""``[api]``: how the monitors reach the masakari API (keystoneauth)."""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from masakarimonitors.conf import _group

api_group = cfg.OptGroup("api", title="Masakari API client options")

api_opts = [
    cfg.StrOpt("region", default="RegionOne",
               help="Region of the instance-ha endpoint."),
    cfg.StrOpt("api_interface", default="public",
               choices=["public", "internal", "admin"],
               help="Endpoint interface of the instance-ha service."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    _group.register(conf, api_group, api_opts)
    ks_loading.register_session_conf_options(conf, api_group.name)
    ks_loading.register_auth_conf_options(conf, api_group.name)
    conf.set_default("auth_type", "password", group=api_group.name)


def list_opts() -> dict:
    opts = list(api_opts)
    opts += ks_loading.get_session_conf_options()
    opts += ks_loading.get_auth_common_conf_options()
    opts += ks_loading.get_auth_plugin_conf_options("password")
    unique = {}
    for opt in opts:
        unique.setdefault(opt.dest, opt)
    return {api_group: list(unique.values())}
