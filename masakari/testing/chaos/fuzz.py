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
"""Requests generated from the OpenAPI document (the hypothesis fuzz test
of masakari/tests/unit/api/test_openapi_fuzz.py, scaled up): no answer
may be a 5xx or undocumented."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from typing import Callable

from masakari.testing import chaos

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..",
                                    ".."))
TEST = "masakari/tests/unit/api/test_openapi_fuzz.py"


def _quiet(_line: str) -> None:
    return None


def openapi_fuzz(trials: int, seed: int = 0,
                 report: Callable[[str], object] = _quiet) -> chaos.Tally:
    """About ``trials`` requests over every operation of the document.

    A trial is one request; it is ok unless the API answered 5xx (any
    other mismatch with the document fails the test and is reported as
    a problem). Hypothesis runs derandomized: ``seed`` is not used.
    """
    tally = chaos.Tally(
        "requests generated from the OpenAPI document, valid and "
        "malformed; checked: no 5xx, status and body as documented")
    with tempfile.NamedTemporaryFile(prefix="masakari-fuzz-") as sheet:
        env = dict(os.environ, MASAKARI_FUZZ_REQUESTS=str(trials),
                   MASAKARI_FUZZ_TALLY=sheet.name)
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             TEST, "-k", "test_operation"], cwd=REPO, env=env,
            capture_output=True, text=True, timeout=7200)
        with open(sheet.name, encoding="utf-8") as f:
            rows = [line.split() for line in f if line.strip()]
    sent = sum(int(row[0]) for row in rows)
    errors = sum(int(row[1]) for row in rows)
    tally.trials, tally.ok = sent, sent - errors
    if result.returncode != 0:
        tally.failures.append(result.stdout[-3000:])
        tally.ok = min(tally.ok, sent - 1)
    report(result.stdout.strip().splitlines()[-1] if result.stdout else "")
    return tally
