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

"""Engine behaviour (group DEFAULT)."""

from oslo_config import cfg

rpcapi_opts = [
    cfg.StrOpt('masakari_topic',
               default='ha_engine',
               deprecated_for_removal=True,
               deprecated_since='3.0.0',
               deprecated_reason='Configurable RPC topics give no benefit '
                                 'and can cause collisions.',
               help='The topic masakari-engine listens on and masakari-api '
                    'sends to.'),
]

driver_opts = [
    cfg.StrOpt('notification_driver',
               default='taskflow_driver',
               help='Name of the recovery driver in the stevedore namespace '
                    'masakari.driver.'),
]

notification_opts = [
    cfg.IntOpt('duplicate_notification_detection_interval',
               default=180,
               min=0,
               help='Seconds within which a notification of the same type '
                    'from the same host with an identical payload is '
                    'rejected as a duplicate (HTTP 409).'),
    cfg.IntOpt('wait_period_after_service_update',
               default=180,
               min=1,
               help='Upper bound, in seconds, on waiting for Nova to report '
                    'the nova-compute service of a failed host as down or '
                    'disabled. The engine polls and goes on as soon as Nova '
                    'agrees; it never sleeps the whole period.'),
    cfg.IntOpt('wait_period_after_evacuation',
               default=90,
               min=1,
               help='Seconds to wait for one evacuated instance to become '
                    'active on another host before the attempt counts as '
                    'failed.'),
    cfg.IntOpt('verify_interval',
               default=1,
               min=1,
               help='Seconds between two polls of Nova while waiting for a '
                    'state change.'),
    cfg.IntOpt('wait_period_after_power_off',
               default=180,
               min=1,
               help='Seconds to wait for an instance to stop.'),
    cfg.IntOpt('wait_period_after_power_on',
               default=60,
               min=1,
               help='Seconds to wait for an instance to become active.'),
    cfg.IntOpt('process_unfinished_notifications_interval',
               default=120,
               min=1,
               help='Seconds between two runs of the periodic task that '
                    'picks up new notifications the RPC path missed and '
                    'retries failed ones.'),
    cfg.IntOpt('retry_notification_new_status_interval',
               default=60,
               min=1,
               mutable=True,
               help="Age in seconds after which a notification still in "
                    "status 'new' is picked up by the periodic task."),
    cfg.IntOpt('check_expired_notifications_interval',
               default=600,
               min=1,
               help='Seconds between two runs of the periodic task that '
                    'expires notifications nobody can finish.'),
    cfg.IntOpt('notifications_expired_interval',
               default=86400,
               min=60,
               help="Age in seconds after which a notification that is "
                    "still 'new' or 'error' and owned by no live engine is "
                    "marked 'failed'."),
    cfg.IntOpt('host_failure_recovery_threads',
               default=16,
               min=1,
               max=1000,
               help='Number of instances evacuated concurrently during one '
                    'host failure recovery (upstream default: 3). A '
                    'process-wide cap also bounds the total across '
                    'notifications.'),
]

lifecycle_opts = [
    cfg.IntOpt('notification_lease_period',
               default=60,
               min=6,
               max=3600,
               help='Seconds for which an engine owns a running '
                    'notification without renewing its lease. The owner '
                    'renews every third of this period; another engine '
                    'resumes a running notification whose lease expired, '
                    'so a notification left by a dead engine is resumed '
                    'within about one period.'),
    cfg.IntOpt('max_concurrent_evacuations',
               default=64,
               min=1,
               max=10000,
               help='Process-wide cap on instances being evacuated at the '
                    'same time, across all notifications (each host '
                    'failure also respects host_failure_recovery_threads).'),
    cfg.IntOpt('notification_max_retries',
               default=3,
               min=0,
               max=100,
               help="How many times a notification that ended in 'error' "
                    "is retried before it is marked 'failed'."),
    cfg.IntOpt('notification_retry_backoff',
               default=30,
               min=1,
               max=86400,
               help="Seconds before the first retry of a notification in "
                    "'error'; each further retry waits twice as long."),
    cfg.IntOpt('notification_workers',
               default=64,
               min=1,
               max=10000,
               help='Notifications one engine processes concurrently.'),
    cfg.FloatOpt('evacuation_poll_interval',
                 default=0.5,
                 min=0.1,
                 max=60,
                 help='Seconds between two status polls of the instances '
                      'being evacuated. One request per poll covers every '
                      'instance in flight, so polling often is cheap; '
                      'verify_interval applies if shorter.'),
]

ALL_OPTS = rpcapi_opts + driver_opts + notification_opts + lifecycle_opts


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(ALL_OPTS)


def list_opts() -> dict:
    return {'DEFAULT': ALL_OPTS}
