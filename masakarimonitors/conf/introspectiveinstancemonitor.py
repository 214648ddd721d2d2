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

"""``[introspectiveinstancemonitor]``: guest-agent heartbeat options."""

from oslo_config import cfg

from masakarimonitors.conf import _group

introspective_group = cfg.OptGroup(
    "introspectiveinstancemonitor",
    title="Introspective instance monitor options")

introspective_opts = [
    cfg.IntOpt("guest_monitoring_interval", default=10, min=1,
               help="Seconds between two guest-agent pings of a guest."),
    cfg.IntOpt("guest_monitoring_timeout", default=2, min=1,
               help="Seconds to wait for a guest-agent answer."),
    cfg.IntOpt("guest_monitoring_failure_threshold", default=3, min=0,
               help="Consecutive failed pings tolerated after a guest was "
                    "healthy before it is reported."),
    cfg.StrOpt("qemu_guest_agent_sock_path",
               default=r"/var/lib/libvirt/qemu/org\.qemu\.guest_agent\..*"
                       r"\.instance-.*\.sock",
               help="Regular expression (anchored at the start) a guest "
                    "agent channel's socket path must match for the guest "
                    "to be monitored."),
    cfg.IntOpt("guest_discovery_timeout", default=300, min=0,
               help="Seconds a running guest may take to answer its first "
                    "ping (counted from the first check or the last start); "
                    "a guest whose agent never answered within this time is "
                    "reported. 0 disables reporting of such guests."),
    cfg.IntOpt("ping_workers", default=8, min=1,
               help="Guests pinged in parallel."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    _group.register(conf, introspective_group, introspective_opts)


def list_opts() -> dict:
    return {introspective_group: introspective_opts}
