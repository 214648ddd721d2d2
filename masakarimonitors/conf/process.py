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

"""``[process]``: processmonitor options."""

from oslo_config import cfg

from masakarimonitors.conf import _group

process_group = cfg.OptGroup("process", title="Process monitor options")

process_opts = [
    cfg.IntOpt("check_interval", default=5, min=1,
               help="Seconds between two process checks."),
    cfg.IntOpt("restart_retries", default=3, min=0,
               help="Restart attempts after the first one before the "
                    "process is reported."),
    cfg.IntOpt("restart_interval", default=5, min=0,
               help="Seconds to wait for a restarted process to appear "
                    "before the next attempt."),
    cfg.IntOpt("api_retry_max", default=12, min=0,
               help="Number of retries of a failed notification."),
    cfg.IntOpt("api_retry_interval", default=10, min=0,
               help="Seconds between notification retries."),
    cfg.IntOpt("command_timeout", default=120, min=1,
               help="Seconds a start/restart (or pre/post) command may run "
                    "before it is killed and counted as failed."),
    cfg.StrOpt("process_list_path",
               default="/etc/masakarimonitors/process_list.yaml",
               help="YAML file listing the processes to monitor."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    _group.register(conf, process_group, process_opts)


def list_opts() -> dict:
    return {process_group: process_opts}
