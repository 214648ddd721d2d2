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

import pytest

from masakarimonitors.hostmonitor.consul_check import matrix


def test_default_only_storage_decides():
    m = matrix.default()
    assert m.sequence == ("manage", "tenant", "storage")
    assert m.actions(("down", "down", "up")) == frozenset()
    assert m.actions(("up", "up", "down")) == {"recovery"}
    assert len(m.rules) == 8


@pytest.mark.parametrize("content", [None, ""])
def test_unset_missing_or_empty_file_gives_default(tmp_path, content):
    path = tmp_path / "matrix.yaml"
    if content is not None:
        path.write_text(content)
    assert matrix.load(str(path)) == matrix.default()
    assert matrix.load(None) == matrix.default()


def test_file_is_loaded_in_order(tmp_path):
    path = tmp_path / "matrix.yaml"
    path.write_text("sequence: [storage, manage]\n"
                    "matrix:\n"
                    "  - health: [down, up]\n    action: [recovery]\n"
                    "  - health: [down, up]\n    action: []\n"
                    "  - health: [up, down]\n")
    m = matrix.load(str(path))
    assert m.sequence == ("storage", "manage")
    assert m.actions(("down", "up")) == {"recovery"}     # first match wins
    assert m.actions(("up", "down")) == frozenset()
    assert m.actions(("down", "down")) is None


@pytest.mark.parametrize("content,message", [
    ("[1, 2]", "mapping"),
    ("sequence: [manage, nope]\nmatrix: []", "sequence"),
    ("sequence: [manage, manage]\nmatrix: []", "sequence"),
    ("sequence: [manage]\nmatrix: []", "non-empty"),
    ("sequence: [manage]\nmatrix: [{health: [up, up]}]", "entry 1"),
    ("sequence: [manage]\nmatrix: [{health: [sideways]}]", "entry 1"),
    ("sequence: [manage]\nmatrix: [{health: [up], action: [reboot]}]",
     "action"),
    ("sequence: [manage\n", "YAML"),
])
def test_malformed_matrix_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "matrix.yaml"
    path.write_text(content)
    with pytest.raises(matrix.MatrixError, match=message):
        matrix.load(str(path))


def test_shipped_sample_equals_the_builtin_matrix():
    import os

    import masakarimonitors

    root = os.path.dirname(os.path.dirname(masakarimonitors.__file__))
    sample = os.path.join(root, "etc", "masakarimonitors",
                          "matrix.yaml.sample")
    assert matrix.load(sample) == matrix.default()


# The built-in matrix, every row: (manage, tenant, storage) -> action.
DEFAULT_MATRIX_ROWS = [
    (("up", "up", "up"), frozenset()),
    (("up", "up", "down"), {"recovery"}),
    (("up", "down", "up"), frozenset()),
    (("up", "down", "down"), {"recovery"}),
    (("down", "up", "up"), frozenset()),
    (("down", "up", "down"), {"recovery"}),
    (("down", "down", "up"), frozenset()),
    (("down", "down", "down"), {"recovery"}),
]


@pytest.mark.parametrize("health, action", DEFAULT_MATRIX_ROWS)
def test_default_matrix_row(health, action):
    assert matrix.default().actions(health) == action
