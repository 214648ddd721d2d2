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

"""Test helpers shared by the charms' unit tests (not shipped in a charm)."""

from __future__ import annotations

import pathlib
import subprocess
import sys
from collections.abc import Sequence

import pytest
import yaml
from ops import testing

import charm_common


def add_charm_paths(charm_dir: pathlib.Path) -> None:
    """Put the charm's lib/ and src/ first on sys.path, as dispatch does."""
    for sub in ("lib", "src"):
        path = str(charm_dir / sub)
        if path not in sys.path:
            sys.path.insert(0, path)


class Recorder:
    """Stands in for subprocess: records commands, fails chosen ones."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.failing: list[tuple[str, ...]] = []

    def __call__(self, cmd: Sequence[str]) -> None:
        call = tuple(cmd)
        self.calls.append(call)
        if any(call[:len(p)] == p for p in self.failing):
            raise subprocess.CalledProcessError(1, call)

    def ran(self, *prefix: str) -> list[tuple[str, ...]]:
        return [c for c in self.calls if c[:len(prefix)] == prefix]


def fake_host(charm_class: type, root: pathlib.Path, recorder: Recorder,
              monkeypatch: pytest.MonkeyPatch) -> charm_common.Host:
    """A Host on ``root`` that every instance of ``charm_class`` gets."""
    machine = charm_common.Host(root, recorder)
    monkeypatch.setattr(charm_class, "host_factory",
                        staticmethod(lambda: machine))
    return machine


def context(charm_class: type, charm_dir: pathlib.Path) -> testing.Context:
    """A Context built from the charm's charmcraft.yaml."""
    meta = yaml.safe_load((charm_dir / "charmcraft.yaml").read_text())
    # Passed apart: ops.testing before 3.x reads them only as arguments.
    return testing.Context(charm_class, meta=meta,
                           config=meta.pop("config", None),
                           actions=meta.pop("actions", None))
