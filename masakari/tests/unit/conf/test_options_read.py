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

"""Every option masakari registers is read somewhere.

An option is read when the production code (not its definition, not the
tests, not the cloud simulator) accesses it as an attribute
(``conf.<group>.<name>`` or ``conf.<name>``), names it in a string (e.g.
``getattr(conf, "name")``, ``set_default("name", ...)``), or an option
default (in the definitions or set by the code) interpolates it
(``$name``).
"""

import os
import re

from masakari.conf import opts

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                   '..'))
SKIPPED_DIRS = ('conf', 'tests', 'testing')

# Read by the library that defines them, not by masakari's code.
READ_BY_LIBRARIES = {
    # oslo.db's [database] options are registered by masakari with
    # oslo.db's own definitions in conf/database.py and read by oslo.db.
}


def _production_source(skipped=SKIPPED_DIRS) -> str:
    chunks = []
    for root, dirs, files in os.walk(TOP):
        rel = os.path.relpath(root, TOP)
        if rel.split(os.sep)[0] in skipped:
            dirs[:] = []
            continue
        for name in files:
            if name.endswith('.py'):
                with open(os.path.join(root, name)) as handle:
                    chunks.append(handle.read())
    return '\n'.join(chunks)


def _interpolated() -> set:
    # Defaults built in the option modules, e.g. '$state_path/...'.
    names = set(re.findall(r"\$(\w+)",
                           _production_source(('tests', 'testing'))))
    for _group, group_opts in opts.list_opts():
        for opt in group_opts:
            if isinstance(opt.default, str):
                names.update(re.findall(r'\$(\w+)', opt.default))
    return names


def test_every_registered_option_is_read():
    source = _production_source()
    interpolated = _interpolated()
    unread = []
    for group, group_opts in opts.list_opts():
        group_name = getattr(group, 'name', group)
        for opt in group_opts:
            name = opt.dest
            if (group_name, name) in READ_BY_LIBRARIES:
                continue
            if name in interpolated:
                continue
            if re.search(r'\.%s\b' % re.escape(name), source):
                continue
            if re.search(r'["\']%s["\']' % re.escape(name), source):
                continue
            unread.append(f'[{group_name}] {name}')
    assert unread == [], ('registered but never read: ' + ', '.join(unread))


def test_the_check_can_fail(monkeypatch):
    """An option nobody reads is reported (the check is not vacuous)."""
    from oslo_config import cfg
    real = opts.list_opts

    def with_dead_option():
        return real() + [('DEFAULT', [cfg.StrOpt('nobody_reads_this_opt')])]

    monkeypatch.setattr(opts, 'list_opts', with_dead_option)
    try:
        test_every_registered_option_is_read()
    except AssertionError as err:
        assert '[DEFAULT] nobody_reads_this_opt' in str(err)
    else:
        raise AssertionError('a dead option was not reported')
