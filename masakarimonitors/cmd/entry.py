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

"""What every monitor's console script does: parse the configuration,
build the daemon's context (spool, notifier) and run its manager."""

from __future__ import annotations

from masakarimonitors.common import context
from masakarimonitors.common import service
from masakarimonitors import conf as monitors_conf

# The options of each notification retry policy: (max, interval) names.
RETRY_OPTIONS = {
    "host": ("api_retry_max", "api_retry_interval"),
    "process": ("api_retry_max", "api_retry_interval"),
    "callback": ("retry_max", "retry_interval"),
}


def start(manager_option: str, retry_group: str, argv: list) -> int:
    """Start the daemon whose manager is named by ``manager_option``, its
    notifications retried by the ``[retry_group]`` policy; exit status."""
    conf = monitors_conf.new_config()
    binary = service.binary_name(manager_option)
    status = service.parse(conf, argv, binary)
    if status is not None:
        return status
    group = conf[retry_group]
    retry_max, retry_interval = RETRY_OPTIONS[retry_group]
    ctx = context.build(conf, binary, getattr(group, retry_max),
                        getattr(group, retry_interval))
    return service.run(manager_option, ctx)
