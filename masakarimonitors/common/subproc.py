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

"""Running one external command and capturing its output.

Shared by the local path and the privileged (privsep) path so both treat
timeouts, missing programs and undecodable output the same way.
"""

from __future__ import annotations

import subprocess
from typing import Mapping, Sequence


def text(value) -> str:
    """Output of a finished or timed-out process as str."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def capture(argv: Sequence[str], timeout: float | None,
            env: Mapping[str, str] | None) -> tuple[int | None, str, str]:
    """Run argv (no shell, no stdin); returns (exit code, stdout, stderr).

    The exit code is None when the command timed out, 127 when it could
    not be started.
    """
    try:
        # No stdin: a tool that wants to prompt (ipmitool asks for a
        # password) must fail instead of hanging.
        proc = subprocess.run(list(argv), capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=timeout,
                              env=dict(env) if env is not None else None,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        return (None, text(exc.stdout), text(exc.stderr))
    except OSError as exc:
        return (127, "", str(exc))
    return (proc.returncode, proc.stdout, proc.stderr)
