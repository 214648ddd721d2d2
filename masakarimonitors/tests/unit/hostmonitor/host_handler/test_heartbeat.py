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

from masakarimonitors.hostmonitor.host_handler import crm_mon
from masakarimonitors.hostmonitor.host_handler import heartbeat
from masakarimonitors.tests.unit.hostmonitor import fakes
from masakarimonitors.tests.unit.hostmonitor.fakes import N

HB = heartbeat.ATTRIBUTE
NOW = 1_800_000_000.0


def view(*nodes, beats=None, dc="node1"):
    attrs = {name: {HB: int(value)} for name, value in (beats or {}).items()}
    return crm_mon.parse(fakes.crm_mon_xml(*nodes, dc=dc, attributes=attrs))


def test_attributes_are_parsed_from_crm_mon_xml():
    v = view(N("node1"), N("node2"), beats={"node2": 42})
    assert v.attributes == {"node2": {HB: "42"}}


def test_first_sighting_uses_the_wall_clock():
    beats = heartbeat.Heartbeats(stale_after=100)
    v = view(N("node1"), N("node2"), N("node3"),
             beats={"node2": NOW - 50, "node3": NOW - 500})
    assert beats.fresh(v, NOW) == {"node2"}


def test_later_freshness_uses_only_changes_seen_locally():
    beats = heartbeat.Heartbeats(stale_after=100)
    # node2's clock runs 1000 s late: stale at first sight...
    assert beats.fresh(view(N("node2"), beats={"node2": NOW - 1000}),
                       NOW) == set()
    # ...but fresh as soon as its value moves.
    assert beats.fresh(view(N("node2"), beats={"node2": NOW - 990}),
                       NOW + 10) == {"node2"}
    # An unchanged value goes stale after stale_after of our own time,
    # even though it would look fresh by the wall clock of a fast node.
    beats = heartbeat.Heartbeats(stale_after=100)
    fast = view(N("node2"), beats={"node2": NOW + 60})
    assert beats.fresh(fast, NOW) == {"node2"}
    assert beats.fresh(fast, NOW + 100) == {"node2"}
    assert beats.fresh(fast, NOW + 101) == set()


def test_garbage_and_missing_values_are_not_heartbeats():
    beats = heartbeat.Heartbeats(stale_after=100)
    v = crm_mon.parse(fakes.crm_mon_xml(
        N("node1"), N("node2"),
        attributes={"node1": {HB: "soon"}, "node2": {"other": "1"}}))
    assert beats.fresh(v, NOW) == set()


def test_window_covers_two_cycles_and_the_stonith_wait():
    assert heartbeat.window(60, 30) == 2 * 60 + 30 + heartbeat.SLACK


def test_dc_with_heartbeat_is_elected():
    v = view(N("node1"), N("node2"), N("node3"), dc="node2")
    assert heartbeat.elect(v, {"node1", "node2"}) == "node2"


def test_lowest_named_live_node_when_the_dc_runs_no_monitor():
    v = view(N("ctl1"), N("cmp2"), N("cmp1", online=False, unclean=True),
             N("cmp3", shutdown=True), N("cmp0", kind="remote"),
             N("ping1", kind="ping"), dc="ctl1")
    assert heartbeat.elect(v, {"cmp1", "cmp2", "cmp3", "ping1"}) == "cmp2"
    assert heartbeat.elect(v, {"cmp0", "cmp2"}) == "cmp0"


def test_nobody_elected_without_fresh_heartbeats():
    v = view(N("node1"), N("node2"))
    assert heartbeat.elect(v, set()) is None
    assert heartbeat.elect(v, {"gone"}) is None


def test_commands_are_transient_attribute_updates():
    assert heartbeat.publish_argv("cmp1", NOW + 0.7) == (
        "crm_attribute", "--lifetime", "reboot", "--node", "cmp1",
        "--name", HB, "--update", str(int(NOW)))
    assert heartbeat.withdraw_argv("cmp1")[-1] == "--delete"
