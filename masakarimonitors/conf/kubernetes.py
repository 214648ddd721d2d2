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

"""``[kubernetes]`` options: the kubernetes host monitoring driver."""

from oslo_config import cfg

kubernetes_group = cfg.OptGroup("kubernetes",
                                title="Kubernetes host monitor options")

kubernetes_opts = [
    cfg.StrOpt("monitoring_node_labels", default="",
               help="Label selector of the nodes to watch, e.g. "
                    "monitoring=true,compute-node=enabled (empty: all)."),
    # Options below are not in upstream masakari-monitors.
    cfg.StrOpt("kubeconfig",
               help="kubeconfig file to use instead of the in-cluster "
                    "service account (token and CA under "
                    "/var/run/secrets/kubernetes.io/serviceaccount)."),
    cfg.IntOpt("request_timeout", default=10, min=1,
               help="Seconds one Kubernetes API request may take."),
    cfg.FloatOpt("partition_threshold", default=0.5, min=0.0, max=1.0,
                 help="When more than this fraction of the watched nodes is "
                      "not Ready at once the problem is assumed to be the "
                      "control plane or the network, not the hosts, and "
                      "nothing is reported. 1.0 disables the guard."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    # A fresh group per ConfigOpts: oslo.config copies groups shallowly, so
    # registering the module-level object would share option state (for
    # example overrides) between ConfigOpts instances.
    conf.register_group(cfg.OptGroup(kubernetes_group.name,
                                     title=kubernetes_group.title))
    conf.register_opts(kubernetes_opts, group=kubernetes_group.name)


def list_opts() -> dict:
    return {kubernetes_group: kubernetes_opts}
