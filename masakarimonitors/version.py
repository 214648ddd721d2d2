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

"""Version of the monitors: that of the ``masakari`` distribution they
ship in (declared in setup.cfg), so ``--version`` of a monitor and of the
API agree. The monitors do not import the masakari package, hence this
small reader of their own.
"""

import configparser
from importlib import metadata
import pathlib

DISTRIBUTION = "masakari"
UNKNOWN = "0+unknown"


def version_string() -> str:
    """The release version, e.g. ``1.0.0``."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        root = pathlib.Path(__file__).resolve().parent.parent
        parser = configparser.ConfigParser()
        if not parser.read(root / "setup.cfg"):
            return UNKNOWN
        return parser.get("metadata", "version", fallback=UNKNOWN)
