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

"""``[libvirt]``: connection used by the two instance monitors."""

from oslo_config import cfg

from masakarimonitors.conf import _group

libvirt_group = cfg.OptGroup("libvirt", title="libvirt options")

libvirt_opts = [
    cfg.StrOpt("connection_uri", default="qemu:///system",
               help="libvirt connection URI."),
    cfg.IntOpt("reconnect_interval_max", default=10, min=1,
               help="Upper bound in seconds of the back-off between "
                    "attempts to reconnect to libvirt (the first retry is "
                    "immediate). The daemon keeps retrying instead of "
                    "exiting when libvirtd is down."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    _group.register(conf, libvirt_group, libvirt_opts)


def list_opts() -> dict:
    return {libvirt_group: libvirt_opts}
