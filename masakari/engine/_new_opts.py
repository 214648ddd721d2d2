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

"""Engine options that are not (yet) in masakari/conf.

Temporary home until the lead moves them into masakari/conf/engine.py;
register_opts() tolerates them already being registered there.
"""

from oslo_config import cfg

new_opts = [
    cfg.IntOpt(
        "notification_lease_period",
        default=60,
        min=6,
        max=3600,
        help="Seconds for which an engine owns a running "
        "notification without renewing its lease. The owner "
        "renews every third of this period; another engine "
        "resumes a running notification whose lease expired, "
        "so a notification left by a dead engine is resumed "
        "within about one period.",
    ),
    cfg.IntOpt(
        "max_concurrent_evacuations",
        default=64,
        min=1,
        max=10000,
        help="Process-wide cap on instances being evacuated at the "
        "same time, across all notifications (each host "
        "failure also respects host_failure_recovery_threads).",
    ),
    cfg.IntOpt(
        "notification_max_retries",
        default=3,
        min=0,
        max=100,
        help="How many times a notification that ended in 'error' "
        "is retried before it is marked 'failed'.",
    ),
    cfg.IntOpt(
        "notification_retry_backoff",
        default=30,
        min=1,
        max=86400,
        help="Seconds before the first retry of a notification in "
        "'error'; each further retry waits twice as long.",
    ),
    cfg.IntOpt(
        "notification_workers",
        default=64,
        min=1,
        max=10000,
        help="Notifications one engine processes concurrently.",
    ),
    cfg.FloatOpt(
        "evacuation_poll_interval",
        default=0.5,
        min=0.1,
        max=60,
        help="Seconds between two status polls of the instances being "
        "evacuated. One request per poll covers every instance in flight, "
        "so polling often is cheap; verify_interval applies if shorter.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    for opt in new_opts:
        try:
            conf.register_opt(opt)
        except cfg.DuplicateOptError:
            pass


def list_opts() -> dict:
    return {"DEFAULT": new_opts}
