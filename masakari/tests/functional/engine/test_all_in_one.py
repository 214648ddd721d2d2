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
import os
import re
import signal
import subprocess
import sys
import urllib.request

import pytest

from masakari.testing import waits

pytestmark = pytest.mark.functional


def test_all_in_one_demo_recovers_the_failed_host_twice(tmp_path):
    """The demo on one state directory twice: the second run recreates the
    "demo" segment instead of failing on the first run's."""
    for run in (1, 2):
        result = subprocess.run(
            [sys.executable, "-m", "masakari.cmd.all_in_one", "--demo",
             "--port", "0", "--state-dir", str(tmp_path / "aio")],
            capture_output=True, text=True, timeout=240)
        assert result.returncode == 0, (run, result.stdout + result.stderr)
        out = result.stdout
        assert "masakari all-in-one: API at http://127.0.0.1:" in out
        assert ": finished" in out
        assert out.count("(succeeded)") == 4
        assert "[EvacuateInstancesTask]" in out
        # No dependency noise, no warning on a successful run.
        assert "Warning" not in result.stderr, result.stderr
        assert " WARNING " not in result.stderr, result.stderr
    # The story of the last recovery, from masakari-manage.
    uuid = re.search(r"Notification (\S+): finished", out).group(1)
    database = "sqlite:///" + str(tmp_path / "aio" / "masakari.sqlite")
    conf = tmp_path / "manage.conf"
    conf.write_text(f"[database]\nconnection = {database}\n"
                    f"[taskflow]\nconnection = {database}\n")
    manage = [sys.executable, "-m", "masakari.cmd.manage", "--config-file",
              str(conf), "notification", "timeline", uuid]
    text = subprocess.run(manage, capture_output=True, text=True,
                          timeout=120)
    assert text.returncode == 0, text.stderr
    story = text.stdout
    assert story.startswith(f"Notification {uuid} (COMPUTE_HOST, host "
                            "compute1): finished"), story
    assert "proven powered off by the monitor's evidence (simulator)" in story
    assert story.count(" succeeded: compute1 -> ") == 4
    assert "total: " in story.splitlines()[-1]
    data = json.loads(subprocess.run(manage + ["--format", "json"],
                                     capture_output=True, text=True,
                                     timeout=120).stdout)
    assert data["notification"]["status"] == "finished"
    assert [e["seconds"] for e in data["events"]] == sorted(
        e["seconds"] for e in data["events"])
    missing = subprocess.run(manage[:-1] + ["0" * 8 + "-0000-0000-0000-"
                                            + "0" * 12],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_all_in_one_serves_until_a_stop_signal(tmp_path, signum):
    metrics_port = waits.free_port()
    extra = tmp_path / "metrics.conf"
    extra.write_text(f"[metrics]\nenabled = true\nengine_port = {metrics_port}\n")
    proc = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-m", "masakari.cmd.all_in_one",
         "--port", "0", "--state-dir", str(tmp_path / "aio"),
         "--config-file", str(extra)],
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
        if signum == signal.SIGTERM:
            _register_a_host_as_printed(proc, lines)
            # One process, one metrics endpoint: the API's requests count
            # there too.
            with urllib.request.urlopen(
                    f"http://127.0.0.1:{metrics_port}/metrics",
                    timeout=30) as resp:
                exposed = resp.read().decode()
            assert ('masakari_api_requests_total{method="POST",'
                    'status="201"} 2.0') in exposed, exposed
            assert "masakari_engine_queue_depth 0.0" in exposed
        proc.send_signal(signum)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()


def _register_a_host_as_printed(proc, lines):
    """Follow the printed openstack CLI instructions: a segment and one of
    the simulator's compute hosts get registered."""
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Stop with"):
            break
    text = "".join(lines)
    export = re.search(r"export (OS_AUTH_TYPE=\S+) (OS_ENDPOINT=\S+)", text)
    assert export, text
    env = dict(os.environ, **dict(kv.split("=", 1) for kv in export.groups()))
    openstack = os.path.join(os.path.dirname(sys.executable), "openstack")
    commands = [line.split()[1:] for line in text.splitlines()
                if line.strip().startswith("openstack ")]
    assert commands[:2] == [["segment", "create", "seg1", "auto", "COMPUTE"],
                            ["segment", "host", "create", "compute1",
                             "COMPUTE", "SSH", "seg1"]]
    for argv in commands:
        done = subprocess.run([openstack, *argv], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, (argv, done.stderr)
    listed = subprocess.run([openstack, "segment", "host", "list", "seg1",
                             "-f", "value", "-c", "name"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.stdout.split() == ["compute1"], listed.stderr
