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

"""INI helpers of the os_masakari role: the role's answer to
config_template without a collection.

Every INI file the role writes (masakari.conf, api-paste.ini,
masakarimonitors.conf) is a dict of sections, each a dict of options. The
role builds the defaults as such a dict, merges the operator's
``*_overrides`` dict into it with ``combine(recursive=True)`` and renders
the result with ``masakari_ini_render``. ``masakari_ini_parse`` turns a
shipped file (api-paste.ini of the installed package) into the same shape,
so overrides apply to it as well.
"""

from __future__ import annotations

import configparser
from typing import Any

DEFAULT = 'DEFAULT'


class IniError(ValueError):
    """A value the INI renderer cannot write."""


def _parser() -> configparser.RawConfigParser:
    # Only "=" separates a key from its value: paste files have keys such
    # as "/v1" whose values contain ":" (call:module:factory).
    parser = configparser.RawConfigParser(delimiters=('=',), strict=False,
                                          interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    return parser


def masakari_ini_parse(text: str) -> dict[str, dict[str, str]]:
    """The sections and options of an INI text, in file order."""
    parser = _parser()
    parser.read_string(text)
    result: dict[str, dict[str, str]] = {}
    if parser.defaults():
        result[DEFAULT] = dict(parser.defaults())
    for section in parser.sections():
        result[section] = {key: parser.get(section, key)
                           for key in parser.options(section)
                           if key not in parser.defaults()}
    return result


def _value(section: str, key: str, value: Any) -> str:
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple)):
        return ','.join(_value(section, key, item) for item in value)
    if isinstance(value, (str, int, float)):
        return str(value)
    raise IniError('[%s] %s: cannot write a %s as an INI value'
                   % (section, key, type(value).__name__))


def masakari_ini_render(sections: dict[str, dict[str, Any]]) -> str:
    """INI text of ``sections``: DEFAULT first, then in the dict's order.

    Options whose value is None or an empty string are left out (so an
    override can drop a default by setting it to null), and so are sections
    left empty; booleans are written as true/false and lists
    comma-separated.
    """
    names = sorted(sections, key=lambda name: name != DEFAULT)
    blocks = []
    for name in names:
        options = sections[name] or {}
        if not isinstance(options, dict):
            raise IniError('section [%s] must be a mapping of options'
                           % name)
        lines = ['[%s]' % name]
        for key, value in options.items():
            if value is None or value == '':
                continue
            text = _value(name, key, value)
            lines.append('%s = %s' % (key, text))
        if len(lines) > 1:
            blocks.append('\n'.join(lines) + '\n')
    return '# Managed by Ansible (role os_masakari); local edits are ' \
        'overwritten.\n\n' + '\n'.join(blocks)


class FilterModule:
    """Registers the filters with Ansible."""

    def filters(self) -> dict[str, Any]:
        return {
            'masakari_ini_parse': masakari_ini_parse,
            'masakari_ini_render': masakari_ini_render,
        }
