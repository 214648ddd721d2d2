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

"""The benchmark scripts run end to end at a tiny size (their figures are
not checked: speed is the scripts' business, not the tests')."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                    '..'))
BENCH = os.path.join(REPO, 'tools', 'bench')


def _need(env: str) -> None:
    if not os.environ.get(env):
        message = f'{env} not set (tools/test-services.sh)'
        if os.environ.get('MASAKARI_TEST_REQUIRE_BACKENDS') == '1':
            pytest.fail(message)
        pytest.skip(message)


def _run(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, os.path.join(BENCH, script), *args], cwd=REPO,
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_scale_bench_tiny():
    _need('MASAKARI_TEST_POSTGRESQL_URL')
    out = _run('scale.py', '--notifications', '300', '--hosts', '60',
               '--segments', '3', '--base', '30', '--repeat', '2')
    assert 'POST duplicate 409' in out
    assert 'purge of 300 old notifications' in out
    assert 'old rows left 0' in out


def test_intake_bench_tiny():
    _need('MASAKARI_TEST_TRANSPORT_URL')
    out = _run('intake.py', '--db', 'sqlite', '--notifications', '5',
               '--warmup', '1')
    assert 'stored 5/5' in out
    assert "engine drained all in" in out
    assert "{'finished': 5}" in out


def test_api_bench_tiny_keystone():
    _need('MASAKARI_TEST_TRANSPORT_URL')
    out = _run('api.py', '--requests', '10', '--hosts', '5', '--segments',
               '2', '--clients', '2', '--keystone', '--rabbit')
    assert 'auth keystone, transport rabbit' in out
    assert 'accepted notifications stored: 20/20' in out
