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

from oslo_privsep import priv_context

from masakarimonitors.common import subproc

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
    return subproc.capture(cmd, timeout, env)
