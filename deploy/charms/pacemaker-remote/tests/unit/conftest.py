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

"""Fixtures of the pacemaker-remote charm's state-transition tests.

The charm's src/ and lib/ go on sys.path (its package is named
pacemaker_remote_charm, distinct from the other charms' packages); the
host's filesystem root is a temporary directory and every command is
recorded instead of run.
"""

import pathlib
import sys

import pytest

CHARM_DIR = pathlib.Path(__file__).resolve().parents[2]
if str(CHARM_DIR.parent / "common") not in sys.path:
    sys.path.insert(0, str(CHARM_DIR.parent / "common"))

import charm_testing  # noqa: E402

charm_testing.add_charm_paths(CHARM_DIR)

from pacemaker_remote_charm import charm  # noqa: E402


@pytest.fixture
def recorder() -> charm_testing.Recorder:
    return charm_testing.Recorder()


@pytest.fixture
def host(tmp_path, recorder, monkeypatch):
    return charm_testing.fake_host(charm.PacemakerRemoteCharm, tmp_path, recorder,
                                   monkeypatch)


@pytest.fixture
def ctx(host):
    return charm_testing.context(charm.PacemakerRemoteCharm, CHARM_DIR)
