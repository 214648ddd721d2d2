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
"""masakari-status run as a real process."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.functional

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))


def status(*args):
    return subprocess.run(
        [sys.executable, "-m", "masakari.cmd.status", *args], cwd=TOP,
        env=dict(os.environ, PYTHONWARNINGS="ignore"),
        capture_output=True, text=True, timeout=120)


def _conf(tmp_path, policy_text):
    policy = tmp_path / "policy.file"
    policy.write_text(policy_text)
    conf = tmp_path / "masakari.conf"
    conf.write_text("[oslo_policy]\npolicy_file = %s\n" % policy)
    return conf


def test_success_without_policy_file(tmp_path):
    conf = tmp_path / "masakari.conf"
    conf.write_text("[oslo_policy]\npolicy_file = %s/none.yaml\n" % tmp_path)
    result = status("--config-file", str(conf), "upgrade", "check")
    assert result.returncode == 0, result.stderr
    assert "Upgrade Check Results" in result.stdout
    assert "Check: Policy File JSON to YAML Migration" in result.stdout
    assert "Result: Success" in result.stdout
    assert "Details: None" in result.stdout


def test_yaml_policy_file_succeeds(tmp_path):
    conf = _conf(tmp_path, '"os_masakari_api:segments:index": "rule:x"\n')
    result = status("--config-file", str(conf), "upgrade", "check")
    assert result.returncode == 0
    assert "Result: Success" in result.stdout


def test_json_policy_file_fails(tmp_path):
    conf = _conf(tmp_path, '{"os_masakari_api:segments:index": "rule:x"}')
    result = status("--config-file", str(conf), "upgrade", "check")
    assert result.returncode == 2
    assert "Result: Failure" in result.stdout


def test_usage_errors(tmp_path):
    result = status()
    assert result.returncode == 2
    assert "usage:" in result.stderr
    result = status("--config-file", str(tmp_path / "absent"), "upgrade",
                    "check")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
