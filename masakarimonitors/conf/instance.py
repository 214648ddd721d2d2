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

"""``[instancemonitor]``: event dispatch of the instance monitor."""

from oslo_config import cfg

from masakarimonitors.conf import _group

instance_group = cfg.OptGroup("instancemonitor",
                              title="Instance monitor options")

instance_opts = [
    cfg.IntOpt("notification_workers", default=4, min=1,
               help="Threads that send VM notifications. Events are queued "
                    "and sent by this bounded pool so an event storm cannot "
                    "exhaust threads."),
    cfg.IntOpt("max_pending_events", default=1000, min=1,
               help="Upper bound of queued, not yet sent VM notifications. "
                    "Identical pending events (same instance, event and "
                    "detail) are coalesced into one."),
    cfg.IntOpt("snapshot_max_age", default=600, min=0,
               help="The monitor remembers which domains were running in "
                    "$state_path/instancemonitor-domains.json (refreshed "
                    "every minute). At start, domains that were running "
                    "according to a snapshot at most this many seconds old "
                    "and are now shut off (crashed, destroyed, shut down) "
                    "are reported. 0 disables the snapshot."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    _group.register(conf, instance_group, instance_opts)


def list_opts() -> dict:
    return {instance_group: instance_opts}
