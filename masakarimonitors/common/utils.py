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

"""Running external commands (argument vectors, never a shell)."""

import os
import shlex

from oslo_log import log as logging

from masakarimonitors.common import subproc

LOG = logging.getLogger(__name__)


class ProcessExecutionError(Exception):
    """A command could not be run, timed out or exited non-zero."""

    def __init__(self, cmd, exit_code=None, stdout="", stderr="",
                 description=""):
        self.cmd = list(cmd)
        self.exit_code = exit_code
        self.stdout = stdout or ""
        self.stderr = stderr or ""
        self.description = description or (
            "timed out" if exit_code is None else f"exit code {exit_code}")
        super().__init__(
            f"Command {shlex.join(self.cmd)!r} failed: {self.description}; "
            f"stderr: {self.stderr.strip()[:500]!r}")


def split_command(command: str) -> list:
    """Split a configured command string into an argument vector.

    Shell-like quoting is honoured (``shlex``), so plain whitespace
    separated strings split exactly as before while arguments with spaces
    can now be quoted. Nothing else of a shell applies (no pipes, variables
    or redirection).
    """
    return shlex.split(command)


def execute(*cmd: str, run_as_root: bool = False,
            timeout: float | None = None,
            env: dict | None = None) -> tuple:
    """Run ``cmd`` and return ``(stdout, stderr)``.

    Raises :class:`ProcessExecutionError` when the command cannot be
    started, times out (``timeout`` seconds) or exits non-zero. With
    ``run_as_root`` the command goes through the oslo.privsep daemon unless
    this process already runs as root.
    """
    argv = [str(part) for part in cmd]
    if not argv:
        raise ProcessExecutionError(argv, 127, description="empty command")
    if run_as_root and os.geteuid() != 0:
        from masakarimonitors.common import privsep
        code, out, err = privsep.run_command(argv, timeout, env)
    else:
        code, out, err = _run_local(argv, timeout, env)
    LOG.debug("Ran %s: exit %s", argv, code)
    if code != 0:
        raise ProcessExecutionError(argv, code, out, err)
    return out, err


def _run_local(argv: list, timeout, env) -> tuple:
    return subproc.capture(argv, timeout, env)
