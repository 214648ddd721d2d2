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

"""Console entry point of masakari-introspectiveinstancemonitor.

Builds the daemon's context (parsed configuration, spool, notifier) and
hands it to the shared runtime. Guest-agent notifications use the
``[callback]`` retry policy.
"""

import sys

from masakarimonitors.cmd import entry

MANAGER_OPTION = "introspectiveinstancemonitor_manager"


def run(argv: list) -> int:
    """Start the daemon with ``argv``; return its exit status."""
    return entry.start(MANAGER_OPTION, "callback", argv)


def main() -> None:
    sys.exit(run(sys.argv))


if __name__ == "__main__":
    main()
