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

"""Console entry points: clear errors and exit codes on bad input."""

import subprocess
import sys

import pytest

from masakarimonitors.tests import daemon as daemon_mod

pytestmark = pytest.mark.functional


def _run(module, *args, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", f"masakarimonitors.cmd.{module}", *args],
        capture_output=True, text=True, timeout=timeout, cwd=daemon_mod.ROOT,
        stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("module", ["hostmonitor", "instancemonitor",
                                    "processmonitor",
                                    "introspectiveinstancemonitor"])
def test_missing_config_file(module, tmp_path):
    result = _run(module, "--config-file", str(tmp_path / "missing.conf"))
    assert result.returncode == 2
    assert "missing.conf" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_manager_class(tmp_path):
    conf = daemon_mod.write_conf(tmp_path / "m.conf", {"DEFAULT": {
        "processmonitor_manager": "no.such.Manager",
        "state_path": tmp_path / "st"}})
    result = _run("processmonitor", "--config-file", conf)
    assert result.returncode == 1
    assert "Cannot load manager 'no.such.Manager'" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_monkey_patch_entry(tmp_path):
    conf = daemon_mod.write_conf(tmp_path / "m.conf", {"DEFAULT": {
        "monkey_patch": True, "monkey_patch_modules": "nocolon",
        "state_path": tmp_path / "st"}})
    result = _run("processmonitor", "--config-file", conf)
    assert result.returncode == 1
    assert "not of the form module:decorator" in result.stderr
