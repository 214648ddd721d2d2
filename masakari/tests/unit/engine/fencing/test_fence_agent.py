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
import sys

import pytest

from masakari.engine.fencing import base
from masakari.engine.fencing import fence_agent

# A stand-in fence agent: reads key=value options on stdin, records what it
# received (argv and options) and keeps the power state in a file. Its
# "mode" option picks a misbehaviour.
AGENT = """#!{python}
import json, os, sys, time
opts = dict(line.split("=", 1) for line in sys.stdin.read().splitlines()
            if "=" in line)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "calls.jsonl"), "a") as log:
    log.write(json.dumps({{"argv": sys.argv, "opts": opts}}) + "\\n")
state = os.path.join(here, "power")
mode = opts.get("mode", "ok")
if mode == "hang":
    time.sleep(30)
if opts["action"] == "off":
    if mode == "off-fails":
        sys.stderr.write("Failed: Unable to connect\\n")
        sys.exit(1)
    if mode != "stuck":
        open(state, "w").write("off")
    sys.exit(0)
if opts["action"] == "status":
    if mode == "broken":
        sys.stderr.write("password " + opts.get("password", "") + " rejected\\n")
        sys.exit(1)
    off = os.path.exists(state) and open(state).read() == "off"
    sys.exit(2 if off else 0)
sys.exit(1)
"""


@pytest.fixture
def agent(tmp_path):
    path = tmp_path / "fence_fake"
    path.write_text(AGENT.format(python=sys.executable))
    path.chmod(0o755)
    return path


def calls(agent):
    log = agent.parent / "calls.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def fence(agent, tmp_path, timeout=5.0, **options):
    pw = tmp_path / "pw"
    pw.write_text("s3cret-pw\n")
    device = {"driver": "fence_agent", "agent": str(agent),
              "options": {"ip": "127.0.0.1", "ipport": 6230, **options},
              "password_file": str(pw)}
    driver = fence_agent.FenceAgentDriver.from_device(device)
    return driver.fence("c1", base.Deadline(timeout))


def test_off_confirmed_by_status_exit_2(agent, tmp_path):
    record = fence(agent, tmp_path)
    assert record.result == base.OFF, record
    assert record.action == "off"
    assert record.driver == "fence_agent:fence_fake"
    assert record.evidence.startswith("status exit code 2 (off) after off")
    seen = calls(agent)
    assert [c["opts"]["action"] for c in seen] == ["off", "status"]
    for call in seen:
        # Options and password on stdin, nothing on the command line.
        assert call["argv"] == [str(agent)]
        assert call["opts"]["password"] == "s3cret-pw"
        assert call["opts"]["ip"] == "127.0.0.1"
        assert call["opts"]["ipport"] == "6230"
    assert "s3cret" not in record.describe()


def test_status_on_after_off_is_failed(agent, tmp_path):
    record = fence(agent, tmp_path, mode="stuck")
    assert record.result == base.FAILED
    assert "status exit code 0 (on)" in record.evidence


def test_failed_off_is_still_proven_by_status(agent, tmp_path):
    (agent.parent / "power").write_text("off")
    record = fence(agent, tmp_path, mode="off-fails")
    assert record.result == base.OFF
    assert "off exit code 1" in record.evidence


def test_failed_off_and_on_status_names_stderr(agent, tmp_path):
    record = fence(agent, tmp_path, mode="off-fails")
    assert record.result == base.FAILED
    assert "Unable to connect" in record.evidence


def test_status_error_is_error_without_secret(agent, tmp_path):
    record = fence(agent, tmp_path, mode="broken")
    assert record.result == base.ERROR
    assert "status exit code 1 (error)" in record.evidence
    assert "rejected" in record.evidence
    assert "s3cret-pw" not in record.evidence


def test_hanging_agent_is_killed_at_the_deadline(agent, tmp_path):
    deadline_start = base.Deadline(0.5)
    record = fence(agent, tmp_path, timeout=0.5, mode="hang")
    assert record.result == base.TIMEOUT
    assert record.seconds < 3
    assert deadline_start.expired()


def test_missing_agent_is_error(tmp_path):
    device = {"driver": "fence_agent", "agent": "fence_does_not_exist_x"}
    record = fence_agent.FenceAgentDriver.from_device(device).fence(
        "c1", base.Deadline(5))
    assert record.result == base.ERROR
    assert "not found" in record.evidence


def test_unreadable_password_file_is_error(agent, tmp_path):
    device = {"driver": "fence_agent", "agent": str(agent),
              "password_file": str(tmp_path / "missing")}
    record = fence_agent.FenceAgentDriver.from_device(device).fence(
        "c1", base.Deadline(5))
    assert record.result == base.ERROR
    assert "cannot read secret file" in record.evidence
    assert calls(agent) == []


def test_agent_found_on_path(agent, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(agent.parent))
    device = {"driver": "fence_agent", "agent": "fence_fake",
              "password_env": "FAKE_AGENT_PW"}
    monkeypatch.setenv("FAKE_AGENT_PW", "from-env")
    record = fence_agent.FenceAgentDriver.from_device(device).fence(
        "c1", base.Deadline(5))
    assert record.result == base.OFF
    assert calls(agent)[0]["opts"]["password"] == "from-env"
