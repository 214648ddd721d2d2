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

import sys
import types

import pytest

from masakarimonitors.common import monkey_patch

CALLS = []


def recorder(name, func):
    def wrapper(*args, **kwargs):
        CALLS.append(name)
        return func(*args, **kwargs)
    return wrapper


def test_wraps_functions_and_methods(monkeypatch):
    module = types.ModuleType("mp_target")
    exec("def f():\n    return 1\n"
         "class C:\n    def m(self):\n        return 2\n", module.__dict__)
    monkeypatch.setitem(sys.modules, "mp_target", module)
    CALLS.clear()
    monkey_patch.apply([f"mp_target:{__name__}.recorder"])
    assert module.f() == 1
    assert module.C().m() == 2
    assert CALLS == ["mp_target.f", "mp_target.C.m"]


@pytest.mark.parametrize("entry", ["no_colon", ":x", "os:", "nope_mod:x.y",
                                   "os:nope_mod.decorator"])
def test_malformed_entries(entry):
    with pytest.raises(monkey_patch.MonkeyPatchError):
        monkey_patch.apply([entry])
