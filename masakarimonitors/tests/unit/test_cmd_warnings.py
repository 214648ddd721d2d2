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

"""The console scripts keep third-party deprecation warnings quiet."""

import os
import subprocess
import sys

import pytest

# Every warning shown, whatever the environment asks for: only the
# filters of the entry points may hide one.
LOUD = {**os.environ, "PYTHONWARNINGS": "always"}

FAKE_LIBRARY = """import warnings
warnings.warn("old API", DeprecationWarning)
warnings.warn("going away", PendingDeprecationWarning)
"""

PROBE = """
import warnings
import masakarimonitors.cmd.{script}
import oldlib
warnings.warn_explicit("our own", DeprecationWarning, "ours.py", 1,
                       module="masakarimonitors.probe")
"""


def _python(code: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=60, **kwargs)


@pytest.mark.parametrize("script", ["hostmonitor", "instancemonitor",
                                    "introspectiveinstancemonitor",
                                    "processmonitor"])
def test_help_prints_no_deprecation_warning(script):
    code = ("import sys; from masakarimonitors.cmd import %s as m; "
            "sys.argv = ['masakari-%s', '--help']; m.main()"
            % (script, script))
    result = _python(code, env=LOUD)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
    assert "DeprecationWarning" not in result.stderr, result.stderr


def test_library_warnings_are_hidden_but_ours_are_not(tmp_path):
    (tmp_path / "oldlib.py").write_text(FAKE_LIBRARY)
    env = {**LOUD, "PYTHONPATH": os.pathsep.join(
        [str(tmp_path)] + sys.path)}
    result = _python(PROBE.format(script="processmonitor"), env=env)
    assert result.returncode == 0, result.stderr
    assert "old API" not in result.stderr
    assert "going away" not in result.stderr
    assert "our own" in result.stderr
