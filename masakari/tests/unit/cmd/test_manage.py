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
"""masakari-manage helpers that need no process (see functional/db for
the command run as a real process)."""

import datetime

import pytest

from masakari.cmd import manage
from masakari import exception

TODAY = datetime.date(2026, 11, 22)
EPOCH_DAYS = (TODAY - datetime.date(1970, 1, 1)).days


@pytest.mark.parametrize("age,max_rows,message", [
    (30, 0, "Must supply value greater than 0 for max_rows."),
    (30, -2, "Invalid input received: max_rows must be >= -1"),
    (30, 2147483648, "Invalid input received: max_rows must be <= 2147483647"),
    (-1, -1, "Must supply a non-negative value for age."),
    (EPOCH_DAYS, -1, "Maximal age is count of days since epoch."),
])
def test_validate_purge_rejects(age, max_rows, message):
    with pytest.raises(exception.InvalidInput) as e:
        manage.validate_purge(age, max_rows, today=TODAY)
    assert str(e.value) == message


@pytest.mark.parametrize("age,max_rows", [(0, -1), (30, 1),
                                          (EPOCH_DAYS - 1, 2147483647)])
def test_validate_purge_accepts(age, max_rows):
    manage.validate_purge(age, max_rows, today=TODAY)


def test_no_arguments_prints_usage(capsys):
    assert manage.main(["masakari-manage"]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("OpenStack masakari version:")
    assert out[3] == "masakari-manage category action [<args>]"
    assert out[4:] == ["Available categories:", "\tdb", "\tnotification",
                       "\trecovery"]
