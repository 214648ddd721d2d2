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

"""Every runtime requirement is used by the production code (tests' own
dependencies belong in test-requirements.txt)."""

import os
import re

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                   '..'))
# Distribution name -> the module production code imports.
MODULES = {
    'oslo.service[threading]': 'oslo_service',
    'python-novaclient': 'novaclient',
    'PasteDeploy': 'paste',
    'PyYAML': 'yaml',
    'SQLAlchemy': 'sqlalchemy',
    'Routes': 'routes',
    'WebOb': 'webob',
    'prometheus-client': 'prometheus_client',
}
# Used without an import of ours.
NOT_IMPORTED = {
    'pbr': 'builds the package (setup.py)',
    'keystonemiddleware': "named by etc/masakari/api-paste.ini's pipeline",
}


def _requirements():
    with open(os.path.join(TOP, 'requirements.txt')) as handle:
        for line in handle:
            line = line.split('#', 1)[0].strip()
            if line:
                yield re.split(r'[<>=!~ ]', line, 1)[0]


def _source():
    chunks = []
    for package in ('masakari', 'masakarimonitors'):
        for root, dirs, files in os.walk(os.path.join(TOP, package)):
            dirs[:] = [d for d in dirs if d != 'tests']
            for name in files:
                if name.endswith('.py'):
                    with open(os.path.join(root, name)) as handle:
                        chunks.append(handle.read())
    return '\n'.join(chunks)


def test_every_requirement_is_imported():
    source = _source()
    unused = []
    for dist in _requirements():
        if dist in NOT_IMPORTED:
            continue
        module = MODULES.get(dist, dist.replace('.', '_').replace('-', '_'))
        pattern = r'^\s*(import|from) %s\b' % re.escape(module)
        if not re.search(pattern, source, re.MULTILINE):
            unused.append(dist)
    assert unused == [], 'not imported by production code: %s' % unused


def test_keystonemiddleware_is_in_the_paste_pipeline():
    with open(os.path.join(TOP, 'etc', 'masakari', 'api-paste.ini')) as f:
        assert 'keystonemiddleware' in f.read()
