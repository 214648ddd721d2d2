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

"""``[callback]``: retry policy of the two instance monitors."""

from oslo_config import cfg

from masakarimonitors.conf import _group

callback_group = cfg.OptGroup("callback", title="Notification retry options "
                              "of the instance monitors")

callback_opts = [
    cfg.IntOpt("retry_max", default=12, min=0,
               help="Number of retries of a failed notification."),
    cfg.IntOpt("retry_interval", default=10, min=0,
               help="Seconds between notification retries."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    _group.register(conf, callback_group, callback_opts)


def list_opts() -> dict:
    return {callback_group: callback_opts}
