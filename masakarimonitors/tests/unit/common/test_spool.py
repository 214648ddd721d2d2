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

import os

import pytest

from masakarimonitors.common import spool as spool_mod


def test_put_load_remove_in_order(tmp_path):
    spool = spool_mod.Spool(str(tmp_path), 5)
    first = spool.put({"n": 1})
    second = spool.put({"n": 2})
    assert spool.entries() == [first, second]
    assert spool.load(second) == {"n": 2}
    spool.remove(first)
    assert spool.entries() == [second]
    assert len(spool) == 1
    spool.remove(first)  # idempotent


def test_survives_a_new_instance(tmp_path):
    entry = spool_mod.Spool(str(tmp_path), 5).put({"n": 1})
    again = spool_mod.Spool(str(tmp_path), 5)
    assert again.entries() == [entry]
    assert again.claim(entry) is True   # nobody holds it after a restart


def test_bounded_drops_oldest(tmp_path):
    spool = spool_mod.Spool(str(tmp_path), 2)
    entries = [spool.put({"n": n}) for n in range(3)]
    assert spool.entries() == entries[1:]


def test_claims(tmp_path):
    spool = spool_mod.Spool(str(tmp_path), 5)
    entry = spool.put({"n": 1})
    assert spool.claim(entry) is False
    spool.release(entry)
    assert spool.claim(entry) is True
    assert spool.claim(entry) is False


def test_stale_temporaries_and_corrupt_entries(tmp_path):
    (tmp_path / ".123-x.tmp").write_text("partial")
    (tmp_path / "00000000000000000001-bad.json").write_text("{not json")
    (tmp_path / "00000000000000000002-list.json").write_text("[1]")
    spool = spool_mod.Spool(str(tmp_path), 5)
    assert not (tmp_path / ".123-x.tmp").exists()
    assert spool.load("00000000000000000001-bad") is None
    assert spool.load("00000000000000000002-list") is None
    assert spool.entries() == []
    assert spool.load("missing") is None


def test_private_permissions(tmp_path):
    spool = spool_mod.Spool(str(tmp_path / "s"), 5)
    entry = spool.put({"n": 1})
    assert os.stat(tmp_path / "s").st_mode & 0o077 == 0
    assert os.stat(tmp_path / "s" / (entry + ".json")).st_mode & 0o077 == 0


def test_invalid_bound(tmp_path):
    with pytest.raises(ValueError):
        spool_mod.Spool(str(tmp_path), 0)
