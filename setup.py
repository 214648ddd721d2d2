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

"""Build with pbr, at the version declared in setup.cfg.

pbr derives versions from git tags and, given a version in setup.cfg,
still turns an untagged checkout into a ``.devN`` pre-release. Handing the
declared version to pbr through PBR_VERSION makes every build of a commit
carry that version, tags or not; a PBR_VERSION set by a packager wins.
"""

import configparser
import os
import pathlib

import setuptools


def declared_version() -> str:
    parser = configparser.ConfigParser()
    parser.read(pathlib.Path(__file__).with_name('setup.cfg'))
    return parser.get('metadata', 'version')


os.environ.setdefault('PBR_VERSION', declared_version())

setuptools.setup(
    setup_requires=['pbr>=5.8.0'],
    pbr=True)
