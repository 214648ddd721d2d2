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

"""The consul health matrix (``[consul] matrix_config_file``).

``sequence`` orders the layers of a health vector; ``matrix`` is an ordered
list of ``{health: [...], action: [...]}`` entries, the first exact match
wins. Unlike upstream the file is validated: a malformed matrix is a clear
start-up error, not a silently ignored rule.
"""

from __future__ import annotations

import dataclasses
import itertools
import os

import yaml

LAYERS = ("manage", "tenant", "storage")
HEALTH_VALUES = ("up", "down")
ACTIONS = ("recovery",)
RECOVERY = "recovery"


class MatrixError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Matrix:
    sequence: tuple[str, ...]
    rules: tuple[tuple[tuple[str, ...], frozenset], ...]

    def actions(self, health: tuple[str, ...]) -> frozenset | None:
        """Actions of the first rule matching ``health``; None: no rule."""
        for vector, actions in self.rules:
            if vector == health:
                return actions
        return None


def default() -> Matrix:
    """Built-in matrix: only the storage layer decides."""
    rules = tuple(
        (combo, frozenset({RECOVERY}) if combo[2] == "down" else frozenset())
        for combo in itertools.product(("up", "down"), repeat=3))
    return Matrix(LAYERS, rules)


def parse(doc) -> Matrix:
    if not isinstance(doc, dict):
        raise MatrixError("the matrix file must be a mapping with "
                          "'sequence' and 'matrix'")
    sequence = doc.get("sequence")
    if (not isinstance(sequence, list) or not sequence
            or any(layer not in LAYERS for layer in sequence)
            or len(set(sequence)) != len(sequence)):
        raise MatrixError("'sequence' must list distinct layers out of %s"
                          % ", ".join(LAYERS))
    entries = doc.get("matrix")
    if not isinstance(entries, list) or not entries:
        raise MatrixError("'matrix' must be a non-empty list")
    rules = []
    for i, entry in enumerate(entries):
        health = entry.get("health") if isinstance(entry, dict) else None
        action = entry.get("action", []) if isinstance(entry, dict) else None
        if (not isinstance(health, list) or len(health) != len(sequence)
                or any(h not in HEALTH_VALUES for h in health)):
            raise MatrixError(
                "matrix entry %d: 'health' must have %d values out of "
                "up/down" % (i + 1, len(sequence)))
        if action is None:
            action = []
        if not isinstance(action, list) or any(
                a not in ACTIONS for a in action):
            raise MatrixError("matrix entry %d: 'action' must be a list out "
                              "of %s" % (i + 1, ", ".join(ACTIONS)))
        rules.append((tuple(health), frozenset(action)))
    return Matrix(tuple(sequence), tuple(rules))


def load(path: str | None) -> Matrix:
    """Load ``path``; unset, missing or empty file: the built-in matrix."""
    if not path or not os.path.exists(path):
        return default()
    with open(path) as f:
        try:
            doc = yaml.safe_load(f)
        except yaml.YAMLError as exc:
            raise MatrixError(f"{path}: not valid YAML: {exc}") from exc
    if doc is None:
        return default()
    try:
        return parse(doc)
    except MatrixError as exc:
        raise MatrixError(f"{path}: {exc}") from exc
