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

import datetime
import json
import types

import pytest

from masakari.engine.fencing import gates

NOW = datetime.datetime(2026, 12, 7, 12, 0, 0)


class FakeDB:
    """Notifications and hosts as the db api returns them, with the filters
    the gates use applied."""

    def __init__(self, hosts: int, failures: list[tuple[str, int, str]]):
        self.hosts = [types.SimpleNamespace(uuid=f"h{i}")
                      for i in range(hosts)]
        self.rows = [types.SimpleNamespace(
            source_host_uuid=host, type="COMPUTE_HOST",
            failover_segment_uuid="seg",
            created_at=NOW - datetime.timedelta(seconds=age),
            payload=json.dumps({"event": event}))
            for host, age, event in failures]
        self.filters = []

    def notification_get_all_by_filters(self, filters):
        self.filters.append(filters)
        return [r for r in self.rows
                if r.failover_segment_uuid == filters["failover_segment_uuid"]
                and r.type == filters["type"]
                and r.created_at >= filters["created_since"]]

    def host_get_all_by_filters(self, filters):
        assert filters == {"failover_segment_id": "seg"}
        return self.hosts


SETTINGS = gates.Settings(enabled=True, max_failed_hosts_percent=50,
                          max_host_failures_per_window=10, window=600)


def test_one_failure_never_trips_the_breaker():
    # Even in a segment of one host: one failure is not a mass failure.
    assert gates.check(FakeDB(1, []), "seg", "h0", NOW, SETTINGS) is None


def test_half_is_not_more_than_half():
    db = FakeDB(4, [("h1", 10, "STOPPED")])
    assert gates.check(db, "seg", "h0", NOW, SETTINGS) is None


def test_more_than_half_trips():
    db = FakeDB(4, [("h1", 10, "STOPPED"), ("h2", 20, "STOPPED")])
    reason = gates.check(db, "seg", "h0", NOW, SETTINGS)
    assert reason.startswith("3 of the segment's 4 hosts failed within 600s")


@pytest.mark.parametrize("failures", [
    [("h1", 601, "STOPPED"), ("h2", 700, "STOPPED")],  # outside the window
    [("h1", 10, "STARTED"), ("h2", 10, "STARTED")],  # recoveries, not failures
    [("h0", 10, "STOPPED"), ("h0", 20, "STOPPED")],  # the same host again
])
def test_what_does_not_count(failures):
    assert gates.check(FakeDB(4, failures), "seg", "h0", NOW,
                       SETTINGS) is None


def test_window_counts_back_from_the_report():
    db = FakeDB(4, [("h1", 10, "STOPPED"), ("h2", 20, "STOPPED")])
    gates.check(db, "seg", "h0", NOW, SETTINGS)
    assert db.filters[0]["created_since"] == NOW - datetime.timedelta(
        seconds=600)


def test_cap():
    settings = gates.Settings(max_host_failures_per_window=2,
                              max_failed_hosts_percent=100)
    db = FakeDB(100, [("h1", 10, "STOPPED"), ("h2", 20, "STOPPED")])
    reason = gates.check(db, "seg", "h0", NOW, settings)
    assert "more than [fencing] max_host_failures_per_window (2)" in reason
    db = FakeDB(100, [("h1", 10, "STOPPED")])
    assert gates.check(db, "seg", "h0", NOW, settings) is None


def test_disabled_gates_read_nothing():
    db = FakeDB(2, [("h1", 10, "STOPPED")])
    settings = gates.Settings(enabled=False)
    assert gates.check(db, "seg", "h0", NOW, settings) is None
    assert db.filters == []


def test_settings_from_conf(conf):
    conf.set_override("max_failed_hosts_percent", 30, group="fencing")
    conf.set_override("failure_window", 60, group="fencing")
    settings = gates.Settings.from_conf(conf)
    assert settings.max_failed_hosts_percent == 30
    assert settings.window == 60.0 and settings.enabled is True
