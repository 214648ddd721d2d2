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

"""The oslo.privsep context of the monitors.

Imported lazily (only when a command must run as root while the daemon is
not root): oslo.privsep pulls in eventlet when it is installed, and the
monitors do not need either otherwise.
"""

import subprocess

from oslo_privsep import priv_context

monitors_priv = priv_context.PrivContext(
    "masakarimonitors",
    cfg_section="masakarimonitors_privileged",
    pypath=__name__ + ".monitors_priv",
    capabilities=[],
)


@monitors_priv.entrypoint
def run_command(cmd: list, timeout: float | None,
                env: dict | None) -> tuple:
    """Run ``cmd`` (argument vector, no shell) in the privileged daemon."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        return (None, _text(exc.stdout), _text(exc.stderr))
    except OSError as exc:
        return (127, "", str(exc))
    return (proc.returncode, proc.stdout, proc.stderr)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
