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

"""``[DEFAULT]`` options shared by every monitor daemon."""

import socket

from oslo_config import cfg

_MANAGERS = {
    "hostmonitor_manager":
        "masakarimonitors.hostmonitor.host.HostmonitorManager",
    "instancemonitor_manager":
        "masakarimonitors.instancemonitor.instance.InstancemonitorManager",
    "introspectiveinstancemonitor_manager":
        "masakarimonitors.introspectiveinstancemonitor.instance."
        "IntrospectiveInstanceMonitorManager",
    "processmonitor_manager":
        "masakarimonitors.processmonitor.process.ProcessmonitorManager",
}

base_opts = [
    cfg.StrOpt("hostname",
               default=socket.gethostname(),
               sample_default="<HOSTNAME>",
               deprecated_name="host",
               help="Name of this compute host as registered in a masakari "
                    "failover segment; sent as the notification hostname."),
    cfg.StrOpt("tempdir",
               help="Directory used for temporary files; checked to be "
                    "writable at start-up (system default when unset)."),
    cfg.BoolOpt("monkey_patch",
                default=False,
                help="Wrap the functions of the modules listed in "
                     "monkey_patch_modules with their decorator."),
    cfg.ListOpt("monkey_patch_modules",
                default=[],
                help="Entries of the form module:decorator_path."),
    cfg.StrOpt("state_path",
               default="/var/lib/masakarimonitors",
               help="Directory where the monitors keep durable state (the "
                    "notification spool lives under it)."),
    cfg.StrOpt("spool_dir",
               default="$state_path/spool",
               help="Directory of the notification spool; each daemon uses "
                    "its own subdirectory. A notification is written here "
                    "before it is sent and removed once the API accepted or "
                    "finally rejected it, so an API outage or a monitor "
                    "restart loses nothing. Empty disables the spool."),
    cfg.IntOpt("spool_max_entries",
               default=1000,
               min=1,
               help="Upper bound of spooled notifications per daemon; when "
                    "full, the oldest entry is dropped (logged as an "
                    "error)."),
    cfg.IntOpt("spool_replay_interval",
               default=30,
               min=1,
               help="Seconds between attempts to resend notifications that "
                    "are still in the spool (left over from a restart or "
                    "from a send that exhausted its retries)."),
] + [
    cfg.StrOpt(name, default=default,
               help="Full class name of the manager of this daemon.")
    for name, default in _MANAGERS.items()
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(base_opts)


def list_opts() -> dict:
    return {"DEFAULT": base_opts}
