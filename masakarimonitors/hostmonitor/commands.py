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

"""Running the external commands of the host monitor.

Commands are argument vectors, never shell strings. Every call is bounded by
a timeout. A command that needs root runs directly when the daemon already
is root, otherwise through the privsep daemon of masakarimonitors.common.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Mapping, Protocol, Sequence

from masakarimonitors.common import subproc

DEFAULT_TIMEOUT = 30.0
TIMED_OUT = 124


@dataclasses.dataclass(frozen=True)
class Result:
    rc: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.rc == 0


class Runner(Protocol):
    def __call__(self, argv: Sequence[str], *, root: bool = False,
                 env: Mapping[str, str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> Result: ...


def _run_local(argv: Sequence[str], env: Mapping[str, str] | None,
               timeout: float) -> Result:
    full_env = {**os.environ, **env} if env else None
    rc, out, err = subproc.capture(argv, timeout, full_env)
    if rc is None:
        return Result(TIMED_OUT, out,
                      err + f"\n{argv[0]}: timed out after {timeout}s")
    if rc == 127 and not out:
        err = f"{argv[0]}: {err}"
    return Result(rc, out, err)


def _run_privileged(argv: Sequence[str], env: Mapping[str, str] | None,
                    timeout: float) -> Result:
    from masakarimonitors.common import utils  # only needed without root

    try:
        out, err = utils.execute(*argv, run_as_root=True, timeout=timeout,
                                 env=dict(env) if env else None)
    except utils.ProcessExecutionError as exc:
        rc = getattr(exc, "exit_code", None)
        return Result(rc if isinstance(rc, int) else 1,
                      getattr(exc, "stdout", "") or "",
                      getattr(exc, "stderr", "") or str(exc))
    return Result(0, out or "", err or "")


def run(argv: Sequence[str], *, root: bool = False,
        env: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT) -> Result:
    """Run argv and return its exit status and output; never raises."""
    if root and os.geteuid() != 0:
        return _run_privileged(argv, env, timeout)
    return _run_local(argv, env, timeout)
