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

"""Upstream's option names, groups and defaults, with our
documented changes, and the range checks."""

import pytest

# (group, option, default); None group = DEFAULT.
SPEC_DEFAULTS = [
    (None, "masakari_topic", "ha_engine"),
    (None, "notification_driver", "taskflow_driver"),
    (None, "duplicate_notification_detection_interval", 180),
    (None, "wait_period_after_service_update", 180),
    (None, "wait_period_after_evacuation", 90),
    (None, "verify_interval", 1),
    (None, "wait_period_after_power_off", 180),
    (None, "wait_period_after_power_on", 60),
    (None, "process_unfinished_notifications_interval", 120),
    (None, "retry_notification_new_status_interval", 60),
    (None, "check_expired_notifications_interval", 600),
    (None, "notifications_expired_interval", 86400),
    ("host_failure", "evacuate_all_instances", True),
    ("host_failure", "ha_enabled_instance_metadata_key", "HA_Enabled"),
    ("host_failure", "ignore_instances_in_error_state", False),
    ("host_failure", "add_reserved_host_to_aggregate", False),
    ("host_failure", "service_disable_reason", "Masakari detected host failed."),
    ("instance_failure", "process_all_instances", False),
    ("instance_failure", "ha_enabled_instance_metadata_key", "HA_Enabled"),
    ("process_failure", "service_disable_reason", "Masakari detected process failed."),
]

# Deliberate differences (releasenotes engine-fast-host-recovery and
# engine-lifecycle-leases): new options and the new thread default.
OUR_DEFAULTS = [
    (None, "host_failure_recovery_threads", 16),
    ("host_failure", "force_down_fenced_host", True),
    (None, "notification_lease_period", 60),
    (None, "notification_retry_backoff", 30),
    (None, "notification_max_retries", 3),
    (None, "max_concurrent_evacuations", 64),
]


def value(conf, group, option):
    return getattr(getattr(conf, group) if group else conf, option)


@pytest.mark.parametrize("group,option,default", SPEC_DEFAULTS + OUR_DEFAULTS)
def test_defaults(conf, group, option, default):
    assert value(conf, group, option) == default


def test_retry_new_status_interval_is_mutable(conf):
    opts = {o.name: o for o in conf._opts.values() for o in [o["opt"]]}
    assert opts["retry_notification_new_status_interval"].mutable is True


# no 0/negative timeouts (= infinite wait) and no busy loop.
@pytest.mark.parametrize("option,bad", [
    ("verify_interval", 0), ("verify_interval", -1),
    ("wait_period_after_evacuation", 0), ("wait_period_after_power_off", 0),
    ("wait_period_after_power_on", -5), ("wait_period_after_service_update", 0),
    ("host_failure_recovery_threads", 0),
])
def test_range_checks(conf, option, bad):
    with pytest.raises(ValueError):
        conf.set_override(option, bad)
