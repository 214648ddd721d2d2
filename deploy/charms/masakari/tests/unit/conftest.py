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

"""Fixtures of the masakari charm's state-transition tests.

The charm's src/ and lib/ go on sys.path (the charm's own package is named
masakari_charm, so it never shadows the masakari service package), the
host's filesystem root is a temporary directory and every command is
recorded instead of run.
"""

import pathlib
import subprocess
import sys

import pytest
import yaml

CHARM_DIR = pathlib.Path(__file__).resolve().parents[2]
for _sub in ("lib", "src"):
    if str(CHARM_DIR / _sub) not in sys.path:
        sys.path.insert(0, str(CHARM_DIR / _sub))

import charm_common  # noqa: E402
from masakari_charm import charm as masakari_charm  # noqa: E402
from ops import testing  # noqa: E402


class Recorder:
    """Stands in for subprocess: records commands, fails chosen ones."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.failing: list[tuple[str, ...]] = []

    def __call__(self, cmd) -> None:
        cmd = tuple(cmd)
        self.calls.append(cmd)
        if any(cmd[:len(p)] == p for p in self.failing):
            raise subprocess.CalledProcessError(1, cmd)

    def ran(self, *prefix: str) -> list[tuple[str, ...]]:
        return [c for c in self.calls if c[:len(prefix)] == prefix]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def host(tmp_path, recorder, monkeypatch) -> charm_common.Host:
    machine = charm_common.Host(tmp_path, recorder)
    monkeypatch.setattr(masakari_charm.MasakariCharm, "host_factory",
                        staticmethod(lambda: machine))
    return machine


@pytest.fixture
def ctx(host) -> testing.Context:
    meta = yaml.safe_load((CHARM_DIR / "charmcraft.yaml").read_text())
    return testing.Context(masakari_charm.MasakariCharm, meta=meta)
