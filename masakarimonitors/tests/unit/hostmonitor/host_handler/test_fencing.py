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
import datetime
import logging
import time

import pytest

from masakarimonitors.hostmonitor import events
from masakarimonitors.hostmonitor.host_handler import fencing
from masakarimonitors.tests.unit.hostmonitor import fakes

T0 = float(calendar.timegm(time.strptime("2026-11-22 02:46:39",
                                         "%Y-%m-%d %H:%M:%S")))
# 2026-12-07 17:02:03 UTC
T1 = datetime.datetime(2026, 12, 7, 17, 2, 3,
                       tzinfo=datetime.timezone.utc).timestamp()


@pytest.mark.parametrize("text,expected", [
    ("2026-12-07 17:02:03Z", T1),
    ("2026-12-07 17:02:03", T1),                       # no zone: UTC
    ("2026-12-07T17:02:03Z", T1),
    ("  2026-12-07 17:02:03Z\n", T1),
    ("2026-12-07 17:02:03.123456Z", T1 + 0.123456),
    ("2026-12-07 17:02:03.123456789Z", T1 + 0.123456789),
    ("2026-12-07 17:02:03,5Z", T1 + 0.5),
    ("2026-12-07 18:02:03 +01:00", T1),
    ("2026-12-07 18:02:03+01:00", T1),
    ("2026-12-07 18:02:03 +0100", T1),
    ("2026-12-07 18:02:03 +01", T1),
    ("2026-12-07T18:02:03.250000+01:00", T1 + 0.25),
    ("2026-12-07 18:02:03.123456 +01:00", T1 + 0.123456),
    ("2026-12-08 02:02:03 +09:00", T1),                # Asia/Tokyo
    ("2026-12-07 22:32:03 +05:30", T1),                # half-hour zone
    ("2026-12-07 12:02:03 -05:00", T1),
    ("2026-12-07 12:02:03.000001 -0500", T1 + 0.000001),
    ("2026-12-06 21:02:03 -20:00", T1),                 # date rolls over
    ("2026-12-07 17:02:03 +00:00", T1),
    ("2026-12-07 17:02:03 -00:00", T1),
    ("2026-12-31 23:59:60Z", datetime.datetime(
        2027, 1, 1, tzinfo=datetime.timezone.utc).timestamp()),
])
def test_parse_time_formats(text, expected):
    assert fencing._parse_time(text) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("text", [
    None, "", "   ", "garbage", "2026-12-07", "17:02:03",
    "2026-13-07 17:02:03Z",          # month 13
    "2026-02-30 17:02:03Z",          # no such day
    "2026-12-07 24:02:03Z",
    "2026-12-07 17:02:03 +25:00",    # offset out of range
    "2026-12-07 17:02:03 +01:75",
    "2026-12-07 17:02:03 CET",
    "2026-12-07 17:02:03Z trailing",
    "1796662923",                    # epoch seconds are not this format
])
def test_parse_time_garbage_is_none(text, caplog):
    with caplog.at_level(logging.DEBUG, logger=fencing.__name__):
        assert fencing._parse_time(text) is None
    if text and text.strip():
        assert "fencing history time" in caplog.text


def test_local_time_history_is_recognised():
    """A node whose clock is not UTC writes its offset; the fencing after
    the last online time must still count."""
    events_ = fencing.parse_history(fakes.history_xml(
        ("node2", "reboot", "success", "2026-12-08 02:02:03.5 +09:00")))
    assert events_[0].completed == pytest.approx(T1 + 0.5)
    assert fencing.fenced_since(events_, "node2", T1 - 5) is events_[0]
    assert fencing.fenced_since(events_, "node2", T1 + 1) is None


@pytest.mark.parametrize("element,status,action", [
    ("fence_event", "success", "off"),
    ("fencing_event", "success", "reboot"),
    ("fencing-event", "successful", "poweroff"),
    ("fence_event", "SUCCESS", "Off"),
])
def test_history_element_and_value_variants(element, status, action):
    xml = ('<pacemaker-result><fence_history><%s target="node2" action="%s" '
           'status="%s" completed="2026-12-07 17:02:03Z"/></fence_history>'
           '</pacemaker-result>' % (element, action, status))
    event, = fencing.parse_history(xml)
    assert fencing.fenced_since([event], "node2", T1) is event


def test_latest_qualifying_fencing_is_returned():
    events_ = fencing.parse_history(fakes.history_xml(
        ("node2", "off", "success", "2026-12-07 17:02:03Z"),
        ("node2", "reboot", "success", "2026-12-07 17:05:03Z"),
        ("node2", "reboot", "failed", "2026-12-07 17:09:03Z"),
        ("node2", "on", "success", "2026-12-07 17:08:03Z")))
    assert fencing.fenced_since(events_, "node2", T1).completed == T1 + 180


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
    events_ = fencing.parse_history(fakes.history_xml(
        event + ("2026-11-22 02:46:39Z",)))
    found = fencing.fenced_since(events_, "node2", since)
    assert (found is not None) is expected


def test_pending_event_without_completion_does_not_count():
    events_ = [fencing.FenceEvent("node2", "off", "pending", None)]
    assert fencing.fenced_since(events_, "node2", 0) is None


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


def _oracle(runner, history=None, clock=lambda: T1):
    return fencing.FenceOracle(runner, ipmi_timeout=7,
                               history_reader=history, clock=clock)


def test_oracle_reads_history_once_per_cycle():
    runner = fakes.ScriptedRunner()
    runner.set(("stonith_admin",), fakes.history_xml(
        ("node2", "off", "success", "2026-11-22 02:46:39Z")))
    oracle = _oracle(runner)
    assert oracle.fenced_since("node2", T0) == events.Evidence(
        "stonith-history", T0)
    assert oracle.fenced_since("node3", T0) is None
    assert len(runner.ran("stonith_admin")) == 1
    oracle.new_cycle()
    oracle.fenced_since("node2", T0)
    assert len(runner.ran("stonith_admin")) == 2


def test_oracle_survives_missing_history():
    runner = fakes.ScriptedRunner()
    runner.set(("stonith_admin",), rc=102, stderr="Could not connect")
    assert _oracle(runner).fenced_since("node2", 0) is None


def test_oracle_power_check_runs_ipmitool_unprivileged_with_env():
    runner = fakes.ScriptedRunner()
    runner.set(("cibadmin",), CIB)
    runner.set(("ipmitool",), "Chassis Power is off\n")
    oracle = _oracle(runner)
    assert oracle.bmc_known("node2") and not oracle.bmc_known("node9")
    assert oracle.power_off("node2") == events.Evidence("ipmi", T1)
    assert oracle.power_off("node9") is None
    (argv, kw), = [c for c in runner.calls if c[0][0] == "ipmitool"]
    assert kw["root"] is False and kw["timeout"] == 7
    assert kw["env"] == {"IPMI_PASSWORD": "s3cret"}
    assert len(runner.ran("cibadmin")) == 1


def test_oracle_power_check_failure_is_not_off():
    runner = fakes.ScriptedRunner()
    runner.set(("cibadmin",), CIB)
    runner.set(("ipmitool",), rc=1, stderr="Unable to establish session")
    assert _oracle(runner).power_off("node2") is None


def test_oracle_without_cib_knows_no_bmc():
    runner = fakes.ScriptedRunner()
    runner.set(("cibadmin",), rc=102, stderr="Could not connect")
    assert not _oracle(runner).bmc_known("node2")
    runner = fakes.ScriptedRunner()
    runner.set(("cibadmin",), "<cib><not-closed>")
    assert not _oracle(runner).bmc_known("node2")


def test_evidence_payload_is_utc_iso8601_to_the_second():
    evidence = events.Evidence("stonith-history", T1 + 0.999)
    assert evidence.to_payload() == {"confirmed": True,
                                     "source": "stonith-history",
                                     "at": "2026-12-07T17:02:03Z"}


def test_history_command_asks_for_every_event():
    # Without --verbose, stonith_admin --history '*' prints one event only.
    assert fencing.HISTORY_CMD[:3] == ("stonith_admin", "--history", "*")
    assert "--verbose" in fencing.HISTORY_CMD
    assert "--output-as=xml" in fencing.HISTORY_CMD
