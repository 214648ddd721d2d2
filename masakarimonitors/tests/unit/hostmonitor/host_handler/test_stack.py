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

import pytest

from masakarimonitors.hostmonitor.host_handler import stack
from masakarimonitors.tests.unit.hostmonitor import fakes


def _runner(*running):
    runner = fakes.ScriptedRunner()
    for unit in ("corosync", "pacemaker", "pacemaker_remote"):
        runner.set(("systemctl", "is-active", "--quiet", unit),
                   rc=0 if unit in running else 3)
    return runner


@pytest.mark.parametrize("running,expected", [
    (("corosync", "pacemaker"), stack.CLUSTER),
    (("pacemaker_remote",), stack.REMOTE),
    (("corosync", "pacemaker_remote"), stack.REMOTE),
    (("corosync",), None),
    ((), None),
])
def test_autodetect(running, expected):
    assert stack.local_stack("autodetect", _runner(*running)) == expected


@pytest.mark.parametrize("node_type,expected", [
    ("cluster", stack.CLUSTER), ("remote", stack.REMOTE)])
def test_fixed_node_type_does_not_probe(node_type, expected):
    runner = _runner()
    assert stack.local_stack(node_type, runner) == expected
    assert runner.calls == []


def test_heartbeat_unconfigured_is_not_checked():
    runner = fakes.ScriptedRunner()
    assert stack.heartbeat_ok(None, None, 5, runner)
    assert runner.calls == []


def test_heartbeat_length_mismatch_is_a_config_error():
    with pytest.raises(stack.HeartbeatConfigError):
        stack.heartbeat_ok(["eth0", "eth1"], [5405], 5,
                           fakes.ScriptedRunner())


def test_heartbeat_counts_only_incoming_packets_and_stops_at_first_hit():
    runner = fakes.ScriptedRunner()
    runner.set(("tcpdump", "-n", "-c", "1", "-p", "-Q", "in", "-i", "eth0"),
               rc=124)
    runner.set(("tcpdump", "-n", "-c", "1", "-p", "-Q", "in", "-i", "eth1"),
               rc=0)
    assert stack.heartbeat_ok(["eth0", "eth1", "eth2"], [5405, 5406, 5407],
                              3, runner)
    assert [c[0][-1] for c in runner.calls] == ["5405", "5406"]
    assert all(c[1]["timeout"] == 3 for c in runner.calls)


def test_heartbeat_fails_when_no_interface_sees_peers():
    runner = fakes.ScriptedRunner()
    runner.set(("tcpdump",), rc=124)
    assert not stack.heartbeat_ok(["eth0"], [5405], 3, runner)


@pytest.mark.parametrize("output,state", [
    ('<pacemaker-result><crmd node_name="n" state="S_IDLE" result="ok"/>'
     '</pacemaker-result>', "S_IDLE"),
    ("Controller on node1 in state S_NOT_DC: ok", "S_NOT_DC"),
    ("Status of crmd@node-1: S_ELECTION (ok)", "S_ELECTION"),
    ("garbage", None),
])
def test_controller_state(output, state):
    assert stack.controller_state(output) == state


@pytest.mark.parametrize("state,stable", [
    ("S_IDLE", True), ("S_NOT_DC", True), ("S_TRANSITION_ENGINE", True),
    ("S_ELECTION", False), ("S_INTEGRATION", False)])
def test_controller_stable(state, stable):
    runner = fakes.ScriptedRunner()
    runner.set(("crmadmin",), '<pacemaker-result><crmd state="%s"/>'
               '</pacemaker-result>' % state)
    assert stack.controller_stable("node1", runner) is stable
