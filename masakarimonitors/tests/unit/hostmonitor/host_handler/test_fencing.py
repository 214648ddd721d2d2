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

import calendar
import time

import pytest

from masakarimonitors.hostmonitor.host_handler import fencing
from masakarimonitors.tests.unit.hostmonitor import fakes

T0 = float(calendar.timegm(time.strptime("2026-11-22 02:46:39",
                                         "%Y-%m-%d %H:%M:%S")))


def test_history_parsed_with_utc_times():
    events = fencing.parse_history(fakes.history_xml(
        ("node2", "off", "success", "2026-11-22 02:46:39Z")))
    assert events == [fencing.FenceEvent("node2", "off", "success", T0)]


@pytest.mark.parametrize("event,since,expected", [
    (("node2", "off", "success"), T0, True),
    (("node2", "reboot", "success"), T0 - 100, True),
    (("node2", "off", "success"), T0 + 1, False),       # an older fencing
    (("node2", "off", "failed"), T0, False),
    (("node2", "on", "success"), T0, False),
    (("node3", "off", "success"), T0, False),
])
def test_fenced_since(event, since, expected):
    events = fencing.parse_history(fakes.history_xml(
        event + ("2026-11-22 02:46:39Z",)))
    assert fencing.fenced_since(events, "node2", since) is expected


def test_pending_event_without_completion_does_not_count():
    events = [fencing.FenceEvent("node2", "off", "pending", None)]
    assert not fencing.fenced_since(events, "node2", 0)


CIB = """<cib><configuration><resources>
  <group id="g"><primitive id="ipmi2" class="stonith" type="external/ipmi">
    <instance_attributes id="a">
      <nvpair id="1" name="hostname" value="node2"/>
      <nvpair id="2" name="ipaddr" value="192.0.2.2"/>
      <nvpair id="3" name="userid" value="admin"/>
      <nvpair id="4" name="passwd" value="s3cret"/>
      <nvpair id="5" name="interface" value="lanplus"/>
    </instance_attributes></primitive></group>
  <primitive id="ipmi3" class="stonith" type="fence_ipmilan">
    <instance_attributes id="b">
      <nvpair id="6" name="pcmk_host_list" value="node3 node4"/>
      <nvpair id="7" name="ip" value="192.0.2.3"/>
      <nvpair id="8" name="username" value="root"/>
      <nvpair id="9" name="password" value="pw"/>
    </instance_attributes></primitive>
  <primitive id="bad" class="stonith" type="external/ipmi">
    <instance_attributes id="c">
      <nvpair id="10" name="hostname" value="node5"/>
    </instance_attributes></primitive>
</resources></configuration></cib>"""


@pytest.mark.parametrize("host,expected", [
    ("node2", fencing.IpmiTarget("192.0.2.2", "admin", "s3cret", "lanplus")),
    ("node4", fencing.IpmiTarget("192.0.2.3", "root", "pw", "lan")),
    ("node5", None),   # incomplete parameters
    ("node9", None),   # no fencing resource
])
def test_ipmi_target_lookup(host, expected):
    assert fencing.find_ipmi_target(CIB, host) == expected


def test_password_never_on_the_command_line():
    target = fencing.IpmiTarget("192.0.2.2", "admin", "s3cret", "lanplus")
    argv, env = fencing.ipmi_command(target, None)
    assert "s3cret" not in " ".join(argv)
    assert "-E" in argv and env == {"IPMI_PASSWORD": "s3cret"}
    argv, env = fencing.ipmi_command(target, "/etc/ipmi.pw")
    assert "s3cret" not in " ".join(argv) and env == {}
    assert argv[argv.index("-f") + 1] == "/etc/ipmi.pw"


@pytest.mark.parametrize("output,off", [
    ("Chassis Power is off\n", True),
    ("Chassis Power is on\n", False),
    ("Error: Chassis Power is off? unknown\n", False),
    ("", False),
])
def test_power_is_off_is_an_exact_line_match(output, off):
    assert fencing.power_is_off(output) is off


def _oracle(runner, history=None):
    return fencing.FenceOracle(runner, ipmi_timeout=7,
                               history_reader=history)


def test_oracle_reads_history_once_per_cycle():
    runner = fakes.ScriptedRunner()
    runner.set(("stonith_admin",), fakes.history_xml(
        ("node2", "off", "success", "2026-11-22 02:46:39Z")))
    oracle = _oracle(runner)
    assert oracle.fenced_since("node2", T0)
    assert not oracle.fenced_since("node3", T0)
    assert len(runner.ran("stonith_admin")) == 1
    oracle.new_cycle()
    oracle.fenced_since("node2", T0)
    assert len(runner.ran("stonith_admin")) == 2


def test_oracle_survives_missing_history():
    runner = fakes.ScriptedRunner()
    runner.set(("stonith_admin",), rc=102, stderr="Could not connect")
    assert not _oracle(runner).fenced_since("node2", 0)


def test_oracle_power_check_runs_ipmitool_unprivileged_with_env():
    runner = fakes.ScriptedRunner()
    runner.set(("cibadmin",), CIB)
    runner.set(("ipmitool",), "Chassis Power is off\n")
    oracle = _oracle(runner)
    assert oracle.power_off("node2") is True
    assert oracle.power_off("node9") is None
    (argv, kw), = [c for c in runner.calls if c[0][0] == "ipmitool"]
    assert kw["root"] is False and kw["timeout"] == 7
    assert kw["env"] == {"IPMI_PASSWORD": "s3cret"}
    assert len(runner.ran("cibadmin")) == 1


def test_oracle_power_check_failure_is_not_off():
    runner = fakes.ScriptedRunner()
    runner.set(("cibadmin",), CIB)
    runner.set(("ipmitool",), rc=1, stderr="Unable to establish session")
    assert _oracle(runner).power_off("node2") is False
