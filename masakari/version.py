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

"""Version of the installed masakari distribution.

The version is declared once, in setup.cfg, and read back from the
installed package metadata: the API, engine, manage and status commands
report the same one. Running from a source tree that was never installed
falls back to setup.cfg itself.
"""

import configparser
from importlib import metadata
import pathlib

DISTRIBUTION = 'masakari'
UNKNOWN = '0+unknown'


def _from_source_tree() -> str:
    setup_cfg = pathlib.Path(__file__).resolve().parent.parent / 'setup.cfg'
    parser = configparser.ConfigParser()
    if not parser.read(setup_cfg):
        return UNKNOWN
    return parser.get('metadata', 'version', fallback=UNKNOWN)


def version_string() -> str:
    """The release version, e.g. ``1.0.0``."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return _from_source_tree()
