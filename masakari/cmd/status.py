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
"""masakari-status: ``masakari-status [--config-file ...] upgrade check``.

Exit code is the worst check result: 0 success, 1 warning, 2 failure,
255 when a check raised.
"""

import os
import sys

from oslo_config import cfg
from oslo_upgradecheck import common_checks
from oslo_upgradecheck import upgradecheck

from masakari import conf as masakari_conf
from masakari import version


class Checks(upgradecheck.UpgradeCommands):
    """Upgrade readiness checks for masakari."""

    _upgrade_checks = (
        ("Policy File JSON to YAML Migration",
         (common_checks.check_policy_json, {"conf": masakari_conf.CONF})),
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if '--version' in argv:
        # oslo.upgradecheck parses without a version: answer it here, like
        # every other masakari command.
        print(version.version_string())
        return 0
    try:
        return upgradecheck.main(masakari_conf.CONF, project="masakari",
                                 upgrade_command=Checks(), argv=argv)
    except cfg.Error as exc:
        # e.g. a --config-file that does not exist: one line, no traceback
        print("masakari-status: error: %s" % exc, file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (e.g. "| head"); leave quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
