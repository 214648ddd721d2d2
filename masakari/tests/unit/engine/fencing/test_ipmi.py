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

import json
import os
import sys

import pytest

from masakari.engine.fencing import base
from masakari.engine.fencing import ipmi

# A stand-in ipmitool: records argv and the password it could see, keeps
# the power state in a file. FAKE_IPMI_MODE picks a misbehaviour; the
# power goes off only on the third status query in "slow" mode.
IPMITOOL = """#!{python}
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
pw = os.environ.get("IPMI_PASSWORD") if "-E" in args else None
if "-f" in args:
    pw = open(args[args.index("-f") + 1]).read().strip()
with open(os.path.join(here, "calls.jsonl"), "a") as log:
    log.write(json.dumps({{"argv": sys.argv, "password": pw}}) + "\\n")
mode = os.environ.get("FAKE_IPMI_MODE", "ok")
if pw != "ipmi-pw":
    sys.stderr.write("Error: Unable to establish IPMI v2 / RMCP+ session\\n")
    sys.exit(1)
state = os.path.join(here, "power")
count = os.path.join(here, "count")
if args[-3:] == ["chassis", "power", "off"]:
    if mode != "stuck":
        open(state, "w").write("off")
    print("Chassis Power Control: Down/Off")
    sys.exit(0)
if args[-3:] == ["chassis", "power", "status"]:
    n = int(open(count).read()) + 1 if os.path.exists(count) else 1
    open(count, "w").write(str(n))
    off = os.path.exists(state) and (mode != "slow" or n >= 3)
    print("Chassis Power is " + ("off" if off else "on"))
    sys.exit(0)
sys.exit(1)
"""


@pytest.fixture
def tool(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    path = bindir / "ipmitool"
    path.write_text(IPMITOOL.format(python=sys.executable))
    path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("IPMI_PW", "ipmi-pw")
    return path


def calls(tool):
    log = tool.parent / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()]


def fence(timeout=5.0, **extra):
    device = {"driver": "ipmi", "address": "127.0.0.1", "username": "admin",
              "password_env": "IPMI_PW", "poll_interval": 0.05, **extra}
    driver = ipmi.IpmiDriver.from_device(device)
    return driver.fence("c1", base.Deadline(timeout))


def test_power_off_confirmed_with_env_password(tool):
    record = fence(port=6230)
    assert record.result == base.OFF, record
    assert "Chassis Power is off" in record.evidence
    seen = calls(tool)
    assert seen[0]["argv"][1:] == [
        "-I", "lanplus", "-H", "127.0.0.1", "-p", "6230", "-U", "admin",
        "-E", "chassis", "power", "off"]
    assert seen[1]["argv"][-3:] == ["chassis", "power", "status"]
    for call in seen:
        assert call["password"] == "ipmi-pw"
        assert not any("ipmi-pw" in arg for arg in call["argv"])


def test_password_file_passed_by_name(tool, tmp_path):
    pw = tmp_path / "ipmi.pw"
    pw.write_text("ipmi-pw\n")
    device = {"driver": "ipmi", "address": "bmc", "password_file": str(pw),
              "poll_interval": 0.05, "interface": "lan"}
    record = ipmi.IpmiDriver.from_device(device).fence("c1", base.Deadline(5))
    assert record.result == base.OFF
    argv = calls(tool)[0]["argv"]
    assert argv[1:] == ["-I", "lan", "-H", "bmc", "-p", "623", "-f", str(pw),
                        "chassis", "power", "off"]


def test_polls_until_off(tool, monkeypatch):
    monkeypatch.setenv("FAKE_IPMI_MODE", "slow")
    record = fence()
    assert record.result == base.OFF
    assert [c["argv"][-1] for c in calls(tool)] == [
        "off", "status", "status", "status"]


def test_never_off_is_timeout(tool, monkeypatch):
    monkeypatch.setenv("FAKE_IPMI_MODE", "stuck")
    record = fence(timeout=2.0)
    assert record.result == base.TIMEOUT
    assert "Chassis Power is on" in record.evidence
    assert len(calls(tool)) >= 3


def test_wrong_password_is_error_quickly(tool, monkeypatch):
    monkeypatch.setenv("IPMI_PW", "wrong")
    record = fence(timeout=30)
    assert record.result == base.ERROR
    assert "Unable to establish" in record.evidence
    assert record.seconds < 5
    assert "wrong" not in record.evidence


def test_missing_ipmitool_is_error(tmp_path, monkeypatch):
    monkeypatch.setenv("IPMI_PW", "ipmi-pw")
    record = fence(ipmitool=str(tmp_path / "none"))
    assert record.result == base.ERROR
    assert "cannot run" in record.evidence
