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

"""``[consul]`` options: the consul host monitoring driver."""

from oslo_config import cfg

consul_group = cfg.OptGroup("consul", title="Consul host monitor options")

consul_opts = [
    cfg.StrOpt("agent_manage",
               help="Consul agent of the management network layer, "
                    "host[:port] (port 8500 by default; IPv6 as "
                    "[addr]:port). Unset: layer absent."),
    cfg.StrOpt("agent_tenant",
               help="Consul agent of the tenant network layer, host[:port]."),
    cfg.StrOpt("agent_storage",
               help="Consul agent of the storage network layer, "
                    "host[:port]."),
    cfg.StrOpt("matrix_config_file",
               help="YAML file with the layer sequence and the health "
                    "matrix; unset, missing or empty: the built-in matrix "
                    "(only the storage layer decides)."),
    # Options below are not in upstream masakari-monitors.
    cfg.StrOpt("token", secret=True,
               help="Consul ACL token sent as X-Consul-Token."),
    cfg.StrOpt("scheme", default="http", choices=["http", "https"],
               help="Scheme used to reach the consul agents."),
    cfg.StrOpt("cafile",
               help="CA bundle used to verify https consul agents."),
    cfg.IntOpt("request_timeout", default=5, min=1,
               help="Seconds one consul API request may take."),
    cfg.FloatOpt("partition_threshold", default=0.5, min=0.0, max=1.0,
                 help="Partition guard: when more than this fraction of the "
                      "other members of a layer look down, this host is "
                      "probably the isolated one and nothing is reported. "
                      "1.0 disables the guard."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    # A fresh group per ConfigOpts: oslo.config copies groups shallowly, so
    # registering the module-level object would share option state (for
    # example overrides) between ConfigOpts instances.
    conf.register_group(cfg.OptGroup(consul_group.name,
                                     title=consul_group.title))
    conf.register_opts(consul_opts, group=consul_group.name)


def list_opts() -> dict:
    return {consul_group: consul_opts}
