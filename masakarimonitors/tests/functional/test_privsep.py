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

"""run_as_root commands through a real oslo.privsep daemon.

Runs in a child process (privsep configures the global CONF and starts a
helper); ``geteuid`` is faked so the privsep path is taken even as root,
and ``helper_command`` starts privsep-helper directly instead of sudo.
"""

import os
import subprocess
import sys

import pytest

from masakarimonitors.tests import conftest
from masakarimonitors.testing import daemon as daemon_mod

pytestmark = pytest.mark.functional

SCRIPT = """
import os, sys
from oslo_config import cfg
from masakarimonitors.common import utils
cfg.CONF([], project="masakarimonitors", default_config_files=[])
from masakarimonitors.common import privsep
helper = os.path.join(os.path.dirname(sys.executable), "privsep-helper")
cfg.CONF.set_override(
    "helper_command",
    f"{sys.executable} {helper} --privsep_context "
    "masakarimonitors.common.privsep.monitors_priv",
    group="masakarimonitors_privileged")
utils.os.geteuid = lambda: 1000
out, err = utils.execute("sh", "-c", "echo out; echo err >&2",
                         run_as_root=True)
print("RESULT", repr(out), repr(err))
for cmd, kwargs in ((("false",), {}), (("sleep", "5"), {"timeout": 0.5})):
    try:
        utils.execute(*cmd, run_as_root=True, **kwargs)
    except utils.ProcessExecutionError as exc:
        print("FAILED", exc.exit_code)
"""


def test_privileged_execute():
    helper = os.path.join(os.path.dirname(sys.executable), "privsep-helper")
    conftest.require_backend(os.path.exists(helper) and os.geteuid() == 0,
                             "privsep-helper, run as root")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True,
        timeout=120, cwd=daemon_mod.ROOT, stdin=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONPATH=daemon_mod.ROOT))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stdout.splitlines()
             if line.startswith(("RESULT", "FAILED"))]
    assert lines == ["RESULT 'out\\n' 'err\\n'", "FAILED 1", "FAILED None"]
