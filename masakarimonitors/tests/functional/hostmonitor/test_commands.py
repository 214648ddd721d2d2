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

from masakarimonitors.hostmonitor import commands

pytestmark = pytest.mark.functional


def _py(code):
    return (sys.executable, "-c", code)


def test_output_and_status():
    result = commands.run(_py("import sys; print('out'); "
                              "sys.stderr.write('err'); sys.exit(3)"))
    assert result == commands.Result(3, "out\n", "err")
    assert not result.ok


def test_env_is_added_to_the_inherited_environment():
    result = commands.run(_py("import os; print(os.environ['X_TEST'], "
                              "'PATH' in os.environ)"),
                          env={"X_TEST": "v"})
    assert result.stdout == "v True\n"


def test_timeout_keeps_partial_output():
    result = commands.run(_py("import sys, time; sys.stderr.write('ask');"
                              "sys.stderr.flush(); time.sleep(30)"),
                          timeout=0.5)
    assert result.rc == commands.TIMED_OUT
    assert result.stderr.startswith("ask")


def test_no_stdin_so_prompts_fail_fast():
    result = commands.run(_py("input()"), timeout=10)
    assert result.rc == 1 and "EOFError" in result.stderr


def test_missing_program():
    result = commands.run(("/nonexistent/tool",))
    assert result.rc == 127 and "nonexistent" in result.stderr
