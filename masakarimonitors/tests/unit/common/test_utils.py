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

import sys

import pytest

from masakarimonitors.common import utils


def test_execute_returns_output():
    out, err = utils.execute(sys.executable, "-c",
                             "import sys; print('hi'); "
                             "sys.stderr.write('warn')")
    assert out == "hi\n"
    assert err == "warn"


def test_execute_nonzero_raises_with_details():
    with pytest.raises(utils.ProcessExecutionError) as info:
        utils.execute(sys.executable, "-c",
                      "import sys; sys.stderr.write('boom'); sys.exit(3)")
    assert info.value.exit_code == 3
    assert info.value.stderr == "boom"
    assert "exit code 3" in str(info.value)


def test_execute_timeout():
    with pytest.raises(utils.ProcessExecutionError) as info:
        utils.execute(sys.executable, "-c", "import time; time.sleep(30)",
                      timeout=0.2)
    assert info.value.exit_code is None
    assert "timed out" in str(info.value)


def test_execute_missing_binary():
    with pytest.raises(utils.ProcessExecutionError) as info:
        utils.execute("/nonexistent/binary")
    assert info.value.exit_code == 127


def test_execute_empty():
    with pytest.raises(utils.ProcessExecutionError):
        utils.execute()


def test_execute_env():
    out, _ = utils.execute(sys.executable, "-c",
                           "import os; print(os.environ['X_TEST'])",
                           env={"X_TEST": "42"})
    assert out.strip() == "42"


def test_run_as_root_when_root_runs_directly(monkeypatch):
    monkeypatch.setattr(utils.os, "geteuid", lambda: 0)
    out, _ = utils.execute("echo", "x", run_as_root=True)
    assert out == "x\n"


def test_run_as_root_uses_privsep_when_not_root(monkeypatch):
    calls = []
    import types
    fake = types.SimpleNamespace(
        run_command=lambda argv, timeout, env: calls.append(argv) or
        (0, "out", ""))
    monkeypatch.setattr(utils.os, "geteuid", lambda: 1000)
    monkeypatch.setitem(sys.modules, "masakarimonitors.common.privsep",
                        fake)
    import masakarimonitors.common as common_pkg
    monkeypatch.setattr(common_pkg, "privsep", fake, raising=False)
    assert utils.execute("systemctl", "status", "x",
                         run_as_root=True) == ("out", "")
    assert calls == [["systemctl", "status", "x"]]


@pytest.mark.parametrize("text, argv", [
    ("systemctl restart nova-compute", ["systemctl", "restart",
                                        "nova-compute"]),
    ("  a   b ", ["a", "b"]),
    ("sh -c 'echo a b'", ["sh", "-c", "echo a b"]),
])
def test_split_command(text, argv):
    assert utils.split_command(text) == argv
