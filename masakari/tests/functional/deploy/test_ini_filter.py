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

"""The os_masakari role's INI filter (parse, merge, render), without
Ansible: the role merges dicts with Ansible's combine(recursive=True), which
the test stands in for with a small recursive merge."""

from __future__ import annotations

import configparser
import importlib.util
import os

import pytest

from masakari.tests.functional.deploy import rolebed

PLUGIN = os.path.join(rolebed.ANSIBLE_DIR, 'roles', 'os_masakari',
                      'filter_plugins', 'masakari_ini.py')
PASTE = os.path.join(rolebed.REPO, 'etc', 'masakari', 'api-paste.ini')


def _plugin():
    spec = importlib.util.spec_from_file_location('masakari_ini', PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ini = _plugin()


def _combine(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _combine(merged[key], value)
        else:
            merged[key] = value
    return merged


def _reparse(text: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(delimiters=('=',),
                                          interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    return parser


def test_the_shipped_paste_file_survives_a_round_trip():
    with open(PASTE) as handle:
        text = handle.read()
    parsed = ini.masakari_ini_parse(text)
    assert parsed['composite:masakari_api']['/v1'] == 'masakari_api_v1'
    again = ini.masakari_ini_parse(ini.masakari_ini_render(parsed))
    assert again == parsed
    original = _reparse(text)
    assert {s: dict(original[s]) for s in original.sections()} == parsed


def test_overrides_change_add_and_drop_options():
    base = {'DEFAULT': {'host': 'ctl1', 'debug': False},
            'database': {'connection': 'sqlite://'}}
    merged = _combine(base, {'DEFAULT': {'debug': True, 'host': None},
                             'coordination': {'backend_url': 'etcd3://x'},
                             'oslo_policy': {'policy_file': ''}})
    text = ini.masakari_ini_render(merged)
    parser = _reparse(text)
    assert text.startswith('# Managed by Ansible')
    assert dict(parser['DEFAULT']) == {'debug': 'true'}
    assert parser['coordination']['backend_url'] == 'etcd3://x'
    assert parser['database']['connection'] == 'sqlite://'
    # A section whose options were all dropped is not written.
    assert not parser.has_section('oslo_policy')


def test_values_render_as_oslo_config_reads_them():
    text = ini.masakari_ini_render({'DEFAULT': {
        'workers': 4, 'ratio': 1.5, 'hosts': ['a', 'b'], 'flag': False}})
    assert 'workers = 4\n' in text and 'ratio = 1.5\n' in text
    assert 'hosts = a,b\n' in text and 'flag = false\n' in text


def test_a_nested_mapping_is_refused_with_its_place():
    with pytest.raises(ini.IniError, match=r'\[api\] auth'):
        ini.masakari_ini_render({'api': {'auth': {'type': 'none'}}})
    with pytest.raises(ini.IniError, match=r'section \[api\]'):
        ini.masakari_ini_render({'api': 'none'})
