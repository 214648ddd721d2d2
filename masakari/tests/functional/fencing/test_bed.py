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

"""The BMC bed itself, with the raw tools an operator would use: ipmitool
through virtualbmc, Redfish GETs against sushy-emulator, and Debian's
fence_ipmilan / fence_redfish (key=value on stdin; status exits 0 for on,
2 for off)."""

import shutil
import subprocess

import pytest

from masakari.tests.functional.fencing import bmc

pytestmark = pytest.mark.functional


def agent(name: str, **options: str) -> subprocess.CompletedProcess:
    bmc.require(shutil.which(name) is not None,
                f"{name} missing (Debian package fence-agents)")
    text = "".join(f"{key}={value}\n" for key, value in options.items())
    return subprocess.run([name], input=text, capture_output=True,
                          text=True, timeout=60)


def ipmilan(bed, host, **extra: str) -> dict:
    return dict({"ip": "127.0.0.1", "ipport": str(host.ipmi_port),
                 "username": bmc.USERNAME, "password": bed.password,
                 "lanplus": "1"}, **extra)


def redfish(bed, host, **extra: str) -> dict:
    return dict({"ip": "127.0.0.1", "ipport": str(bed.redfish.port),
                 "username": bmc.USERNAME, "password": bed.password,
                 "systems_uri": host.redfish_system_id,
                 "ssl_insecure": "1"}, **extra)


def test_raw_tools_see_and_switch_power(bed, host):
    assert bed.domstate(host) == "running"
    status = bmc.ipmitool(host.ipmi_port, bed.password,
                          "chassis", "power", "status")
    assert status.stdout.strip() == "Chassis Power is on"
    system = bed.redfish.get(host.redfish_system_id)
    assert system["PowerState"] == "On"
    assert "ForceOff" in system["Actions"]["#ComputerSystem.Reset"][
        "ResetType@Redfish.AllowableValues"]
    assert agent("fence_ipmilan", action="status",
                 **ipmilan(bed, host)).returncode == 0
    assert agent("fence_redfish", action="status",
                 **redfish(bed, host)).returncode == 0

    off = bmc.ipmitool(host.ipmi_port, bed.password,
                       "chassis", "power", "off")
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "Chassis Power Control: Down/Off"
    assert bed.domstate(host) == "shut off"
    assert bed.redfish.get(host.redfish_system_id)["PowerState"] == "Off"
    assert bmc.ipmitool(host.ipmi_port, bed.password, "chassis", "power",
                        "status").stdout.strip() == "Chassis Power is off"
    ipmi_status = agent("fence_ipmilan", action="status",
                        **ipmilan(bed, host))
    assert (ipmi_status.returncode, ipmi_status.stdout.strip()) == (
        2, "Status: OFF")
    redfish_status = agent("fence_redfish", action="status",
                           **redfish(bed, host))
    assert (redfish_status.returncode, redfish_status.stdout.strip()) == (
        2, "Status: OFF")


def test_wrong_password_is_refused(bed, host):
    refused = bmc.ipmitool(host.ipmi_port, "wrong", "chassis", "power",
                           "status")
    assert refused.returncode != 0
    assert "Unable to establish IPMI v2 / RMCP+ session" in refused.stderr
    assert agent("fence_ipmilan", action="off",
                 **ipmilan(bed, host, password="wrong")).returncode == 1
    assert agent("fence_redfish", action="off",
                 **redfish(bed, host, password="wrong")).returncode == 1
    assert bed.domstate(host) == "running"
