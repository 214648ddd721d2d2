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

"""Checks over all charms: vendored copies, options and endpoints in use."""

import pathlib

import pytest
import yaml

CHARMS_DIR = pathlib.Path(__file__).resolve().parents[2]
REPO = CHARMS_DIR.parents[1]
CHARMS = ("masakari", "masakari-monitors", "pacemaker-remote")


def _meta(charm: str) -> dict:
    return yaml.safe_load((CHARMS_DIR / charm / "charmcraft.yaml").read_text())


def _source(charm: str) -> str:
    return "\n".join(p.read_text() for p in
                     sorted((CHARMS_DIR / charm / "src").rglob("*.py")))


def test_vendored_common_module_matches():
    common = (CHARMS_DIR / "common" / "charm_common.py").read_text()
    for charm in CHARMS:
        copy = CHARMS_DIR / charm / "lib" / "charm_common.py"
        assert copy.read_text() == common, (
            f"{copy} differs: cp deploy/charms/common/charm_common.py {copy}")


@pytest.mark.parametrize("charm", CHARMS)
def test_every_option_is_read(charm):
    source = _source(charm)
    unread = [name for name in _meta(charm)["config"]["options"]
              if f'"{name}"' not in source]
    assert unread == []


@pytest.mark.parametrize("charm", CHARMS)
def test_every_endpoint_is_used(charm):
    meta, source = _meta(charm), _source(charm)
    endpoints = [name for kind in ("requires", "provides", "peers")
                 for name in meta.get(kind, {})]
    assert endpoints
    unused = [name for name in endpoints if f'"{name}"' not in source]
    assert unused == []


def test_license_header_on_every_python_file():
    header = (REPO / "tools" / "license-header.txt").read_text()
    missing = [str(p) for p in sorted(CHARMS_DIR.rglob("*.py"))
               if not p.read_text().startswith(header)]
    assert missing == []
