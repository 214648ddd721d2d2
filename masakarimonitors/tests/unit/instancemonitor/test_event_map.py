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

from masakarimonitors.instancemonitor import event_map as em

# Spec monitors §3.3, verbatim.
SPEC_TABLE = [
    (0, 3, 2, "LIFECYCLE", "SUSPENDED_IOERROR"),
    (0, 3, 3, "LIFECYCLE", "SUSPENDED_WATCHDOG"),
    (0, 3, 6, "LIFECYCLE", "SUSPENDED_API_ERROR"),
    (0, 5, 0, "LIFECYCLE", "STOPPED_SHUTDOWN"),
    (0, 5, 1, "LIFECYCLE", "STOPPED_DESTROYED"),
    (0, 5, 5, "LIFECYCLE", "STOPPED_FAILED"),
    (0, 6, 0, "LIFECYCLE", "SHUTDOWN_FINISHED"),
    (1, -1, -1, "REBOOT", "UNKNOWN"),
    (3, 0, -1, "WATCHDOG", "WATCHDOG_NONE"),
    (3, 1, -1, "WATCHDOG", "WATCHDOG_PAUSE"),
    (3, 2, -1, "WATCHDOG", "WATCHDOG_RESET"),
    (3, 3, -1, "WATCHDOG", "WATCHDOG_POWEROFF"),
    (3, 4, -1, "WATCHDOG", "WATCHDOG_SHUTDOWN"),
    (3, 5, -1, "WATCHDOG", "WATCHDOG_DEBUG"),
    (4, 0, -1, "IO_ERROR", "IO_ERROR_NONE"),
    (4, 1, -1, "IO_ERROR", "IO_ERROR_PAUSE"),
    (4, 2, -1, "IO_ERROR", "IO_ERROR_REPORT"),
    (6, -1, -1, "IO_ERROR_REASON", "UNKNOWN"),
    (7, -1, -1, "CONTROL_ERROR", "UNKNOWN"),
]

CRASH_ADDITIONS = [
    (0, 5, 2, "LIFECYCLE", "STOPPED_CRASHED"),
    (0, 8, 0, "LIFECYCLE", "CRASHED_PANICKED"),
    (0, 8, 1, "LIFECYCLE", "CRASHED_CRASHLOADED"),
]


@pytest.mark.parametrize("eid, etype, detail, event, vir",
                         SPEC_TABLE + CRASH_ADDITIONS)
def test_mapped(eid, etype, detail, event, vir):
    assert em.lookup(eid, etype, detail) == (event, vir)


def test_nothing_else_is_mapped():
    expected = {row[:3] for row in SPEC_TABLE + CRASH_ADDITIONS}
    assert set(em.EVENT_TABLE) == expected


@pytest.mark.parametrize("key", [
    (0, 5, 3), (0, 5, 4), (0, 5, 6), (0, 3, 0), (0, 3, 1), (0, 2, 0),
    (0, 4, 0), (0, 0, 0), (0, 1, 0), (0, 7, 0), (0, 6, 1), (0, 6, 2),
    (3, 6, -1), (2, -1, -1), (5, -1, 0), (9, -1, -1), (99, -1, -1)])
def test_dropped(key):
    assert em.lookup(*key) is None


def test_only_useful_event_ids_are_registered():
    assert em.REGISTERED_EVENT_IDS == (0, 1, 3, 4, 6, 7)
