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

"""The README's all-in-one start command, with --demo."""

import json
import re
import signal
import subprocess
import sys
import urllib.request

import pytest

pytestmark = pytest.mark.functional


def test_all_in_one_demo_recovers_the_failed_host(tmp_path):
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "masakari.cmd.all_in_one", "--demo",
         "--port", "0", "--state-dir", str(tmp_path / "aio")],
        capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "masakari all-in-one: API at http://127.0.0.1:" in out
    assert ": finished" in out
    assert out.count("(succeeded)") == 4
    assert "[EvacuateInstancesTask]" in out


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_all_in_one_serves_until_a_stop_signal(tmp_path, signum):
    proc = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-m", "masakari.cmd.all_in_one",
         "--port", "0", "--state-dir", str(tmp_path / "aio")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        stdin=subprocess.DEVNULL)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            match = re.search(r"API at (http://127\.0\.0\.1:\d+/v1)", line)
            if match:
                break
        else:
            pytest.fail("no endpoint printed: " + "".join(lines))
        with urllib.request.urlopen(match.group(1) + "/segments",
                                    timeout=30) as resp:
            assert json.load(resp) == {"segments": []}
        proc.send_signal(signum)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
