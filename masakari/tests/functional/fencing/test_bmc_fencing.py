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

"""The engine's fence drivers against real BMC emulators.

A running qemu domain (private libvirtd) stands for the failed host;
sushy-emulator and virtualbmc are its BMCs. Each case writes a fencing
configuration file, fences through ``Fencer`` and checks both the records
and the domain's real power state. Devices that refuse, hang or answer
"unknown" must not count as fenced, and escalation must reach the next
device.
"""

import dataclasses
import json
import os
import shutil
import stat
import time

import pytest
import yaml

from masakari.engine.fencing import config as fencing_config
from masakari.engine.fencing import fencer as fencer_mod
from masakari.tests.functional.fencing import bmc
from masakari.tests.functional.fencing import fakes

pytestmark = pytest.mark.functional

FAILURES = ("error", "failed", "timeout")


@pytest.fixture
def files(tmp_path, bed, monkeypatch):
    """Password file/env, argv-recording wrappers, the config writer."""
    return Files(str(tmp_path), bed, monkeypatch)


class Files:
    def __init__(self, workdir: str, bed: bmc.Bed, monkeypatch) -> None:
        self.dir = workdir
        self.bed = bed
        self.password_file = os.path.join(workdir, "bmc-password")
        with open(self.password_file, "w") as handle:
            handle.write(bed.password + "\n")
        os.chmod(self.password_file, 0o600)
        self.wrong_file = os.path.join(workdir, "wrong-password")
        with open(self.wrong_file, "w") as handle:
            handle.write("not-the-password\n")
        monkeypatch.setenv("MASAKARI_TEST_BMC_PASSWORD", bed.password)
        self.argv_log = os.path.join(workdir, "argv.log")

    def wrapper(self, program: str) -> str:
        """An executable that logs its argv (JSON) and runs ``program``."""
        real = shutil.which(program)
        bmc.require(real is not None, f"{program} missing (Debian package "
                    f"{'ipmitool' if program == 'ipmitool' else 'fence-agents'})")
        folder = os.path.join(self.dir, "wrappers")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, program)
        with open(path, "w") as handle:
            handle.write(
                "#!/usr/bin/python3\n"
                "import json, os, sys\n"
                f"with open({self.argv_log!r}, 'a') as log:\n"
                "    log.write(json.dumps(sys.argv) + '\\n')\n"
                f"os.execv({real!r}, [{real!r}] + sys.argv[1:])\n")
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        return path

    def wrong(self, device: dict) -> dict:
        """``device`` with the wrong password (from a file)."""
        device = {key: value for key, value in device.items()
                  if key not in ("password_file", "password_env")}
        return dict(device, password_file=self.wrong_file)

    def argvs(self) -> list:
        if not os.path.exists(self.argv_log):
            return []
        with open(self.argv_log) as handle:
            return [json.loads(line) for line in handle if line.strip()]

    # Devices of each kind, good unless told otherwise.
    def redfish(self, host: bmc.Host, **extra) -> dict:
        return dict({"driver": "redfish",
                     "address": self.bed.redfish.address,
                     "system_id": host.redfish_system_id,
                     "username": bmc.USERNAME,
                     "password_file": self.password_file,
                     "verify": False, "timeout": 20}, **extra)

    def ipmi(self, host: bmc.Host, **extra) -> dict:
        return dict({"driver": "ipmi", "address": "127.0.0.1",
                     "port": host.ipmi_port, "username": bmc.USERNAME,
                     "password_env": "MASAKARI_TEST_BMC_PASSWORD",
                     "interface": "lanplus",
                     "ipmitool": self.wrapper("ipmitool"),
                     "timeout": 20}, **extra)

    def fence_redfish(self, host: bmc.Host, port: int | None = None,
                      options: dict | None = None, **extra) -> dict:
        return dict({"driver": "fence_agent",
                     "agent": self.wrapper("fence_redfish"),
                     "options": dict({"ip": "127.0.0.1",
                                      "ipport": port or self.bed.redfish.port,
                                      "username": bmc.USERNAME,
                                      "systems_uri": host.redfish_system_id,
                                      "ssl_insecure": "1"}, **options or {}),
                     "password_env": "MASAKARI_TEST_BMC_PASSWORD",
                     "timeout": 30}, **extra)

    def fence_ipmilan(self, host: bmc.Host, port: int | None = None,
                      **extra) -> dict:
        return dict({"driver": "fence_agent",
                     "agent": self.wrapper("fence_ipmilan"),
                     "options": {"ip": "127.0.0.1",
                                 "ipport": port or host.ipmi_port,
                                 "username": bmc.USERNAME, "lanplus": "1"},
                     "password_file": self.password_file,
                     "timeout": 30}, **extra)

    def fence(self, host: bmc.Host, devices: list) -> fencer_mod.FenceOutcome:
        path = os.path.join(self.dir, f"fencing-{time.monotonic_ns()}.yaml")
        with open(path, "w") as handle:
            yaml.safe_dump({"hosts": {host.name: devices}}, handle)
        fencer = fencer_mod.Fencer(fencing_config.load(path))
        try:
            outcome = fencer.fence(host.name)
        finally:
            fencer.close()
        print(describe(outcome))  # shown by pytest when a test fails
        self.check_secrets(outcome)
        return outcome

    def check_secrets(self, outcome: fencer_mod.FenceOutcome) -> None:
        for record in outcome.records:
            text = record.describe() + json.dumps(record.as_dict())
            assert self.bed.password not in text, record
            assert "not-the-password" not in text, record
            assert record.host and record.evidence, record
        for argv in self.argvs():
            assert not any(self.bed.password in arg for arg in argv), argv


def results(outcome: fencer_mod.FenceOutcome) -> list:
    return [(record.driver, record.result) for record in outcome.records]


def describe(outcome: fencer_mod.FenceOutcome) -> str:
    return "\n".join(record.describe() for record in outcome.records)


def assert_fenced_by(outcome, driver: str, bed: bmc.Bed,
                     host: bmc.Host) -> None:
    assert outcome.confirmed, describe(outcome)
    last = outcome.records[-1]
    assert (last.driver, last.result) == (driver, "off"), describe(outcome)
    assert outcome.proof is last
    assert bed.domstate(host) == "shut off"


# A running domain ends shut off, with a record that says so.

def test_redfish_driver_powers_off(bed, host, files):
    outcome = files.fence(host, [files.redfish(host)])
    assert_fenced_by(outcome, "redfish", bed, host)
    assert len(outcome.records) == 1


def test_redfish_driver_verifies_the_bmc_certificate(bed, host, files):
    outcome = files.fence(host, [files.redfish(
        host, verify=bed.redfish.cert_path)])
    assert_fenced_by(outcome, "redfish", bed, host)


def test_ipmi_driver_powers_off(bed, host, files):
    # The password from a file here (ipmitool -f); from the environment
    # (ipmitool -E) in the other cases.
    device = files.ipmi(host, password_file=files.password_file)
    del device["password_env"]
    outcome = files.fence(host, [device])
    assert_fenced_by(outcome, "ipmi", bed, host)
    assert "power is off" in outcome.records[0].evidence.lower()
    assert files.argvs(), "ipmitool was not run through the wrapper"


def test_fence_redfish_agent_powers_off(bed, host, files):
    outcome = files.fence(host, [files.fence_redfish(host)])
    assert_fenced_by(outcome, "fence_agent:fence_redfish", bed, host)
    assert files.argvs() == [[files.wrapper("fence_redfish")]] * 2


def test_fence_ipmilan_agent_powers_off(bed, host, files):
    outcome = files.fence(host, [files.fence_ipmilan(host)])
    assert_fenced_by(outcome, "fence_agent:fence_ipmilan", bed, host)
    assert files.argvs() == [[files.wrapper("fence_ipmilan")]] * 2


def test_already_off_is_success_for_every_driver(bed, host, files):
    bed.power_off(host)
    for device in (files.redfish(host), files.ipmi(host),
                   files.fence_redfish(host), files.fence_ipmilan(host)):
        outcome = files.fence(host, [device])
        assert outcome.confirmed, describe(outcome)
        assert [r.result for r in outcome.records] == ["off"]
    assert bed.domstate(host) == "shut off"


# Escalation: a device that is not proven to have fenced is followed by
# the next one.

def test_refusing_devices_escalate_to_the_next(bed, host, files):
    devices = [files.wrong(files.redfish(host)),
               files.wrong(files.ipmi(host)),
               files.wrong(files.fence_redfish(host)),
               files.wrong(files.fence_ipmilan(host)),
               files.redfish(host)]
    outcome = files.fence(host, devices)
    for record in outcome.records[:4]:
        assert record.result in ("error", "failed"), describe(outcome)
        assert not record.confirmed
    assert_fenced_by(outcome, "redfish", bed, host)
    assert len(outcome.records) == 5


def test_hanging_devices_time_out_and_escalate(bed, host, files):
    with fakes.silent_tcp() as tcp_port, fakes.silent_udp() as udp_port:
        fast = {"timeout": 2}
        devices = [
            files.redfish(host, address=f"https://127.0.0.1:{tcp_port}",
                          **fast),
            files.ipmi(host, port=udp_port, **fast),
            files.fence_redfish(host, port=tcp_port, **fast),
            files.fence_ipmilan(host, port=udp_port, **fast),
            files.ipmi(host),
        ]
        started = time.monotonic()
        outcome = files.fence(host, devices)
        elapsed = time.monotonic() - started
        # Nothing the drivers started may stay behind (an agent's own
        # ipmitool included) for longer than its own short retries.
        bmc.wait_until(
            lambda: not bmc.processes_mentioning(str(udp_port)), 5,
            "processes still talk to the silent IPMI port",
            lambda: repr(bmc.processes_mentioning(str(udp_port))))
    for record in outcome.records[:4]:
        assert record.result in ("timeout", "error"), describe(outcome)
        assert record.seconds < 2 + 2, describe(outcome)
    assert "timeout" in [r.result for r in outcome.records[:4]]
    assert_fenced_by(outcome, "ipmi", bed, host)
    assert elapsed < 4 * 4 + 20, describe(outcome)


def test_ipmi_port_with_nothing_behind_it_escalates(bed, host, files):
    port = fakes.closed_udp_port()
    outcome = files.fence(host, [files.ipmi(host, port=port, timeout=2),
                                 files.redfish(host)])
    assert outcome.records[0].result in FAILURES, describe(outcome)
    assert_fenced_by(outcome, "redfish", bed, host)


def test_unknown_power_state_is_not_fenced(bed, host, files):
    with fakes.UnknownRedfish(bed.redfish.cert_path,
                              bed.redfish.key_path) as unknown:
        address = f"https://127.0.0.1:{unknown.port}"
        unknown_host, null_host = (
            dataclasses.replace(host, redfish_system_id=path)
            for path in fakes.SYSTEMS)
        devices = [
            files.redfish(unknown_host, address=address, timeout=2),
            files.redfish(null_host, address=address, timeout=2),
            # The agent waits power_timeout for Off, then its status
            # reads "Unknown" as on (exit 0).
            files.fence_redfish(unknown_host, port=unknown.port, timeout=10,
                                options={"power_timeout": "2"}),
            files.ipmi(host),
        ]
        outcome = files.fence(host, devices)
    for record in outcome.records[:3]:
        assert record.result in FAILURES, describe(outcome)
    assert unknown.resets, "the fake BMC never got a reset request"
    assert_fenced_by(outcome, "ipmi", bed, host)
    assert len(outcome.records) == 4
