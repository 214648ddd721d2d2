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

# Every reported event: (event id, type, detail, payload event,
# vir_domain_event), written out independently of the module's table.
EXPECTED_EVENTS = [
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
                         EXPECTED_EVENTS + CRASH_ADDITIONS)
def test_mapped(eid, etype, detail, event, vir):
    assert em.lookup(eid, etype, detail) == (event, vir)


def test_nothing_else_is_mapped():
    expected = {row[:3] for row in EXPECTED_EVENTS + CRASH_ADDITIONS}
    assert set(em.EVENT_TABLE) == expected


@pytest.mark.parametrize("key", [
    (0, 5, 3), (0, 5, 4), (0, 5, 6), (0, 3, 0), (0, 3, 1), (0, 2, 0),
    (0, 4, 0), (0, 0, 0), (0, 1, 0), (0, 7, 0), (0, 6, 1), (0, 6, 2),
    (3, 6, -1), (2, -1, -1), (5, -1, 0), (9, -1, -1), (99, -1, -1)])
def test_dropped(key):
    assert em.lookup(*key) is None


def test_only_useful_event_ids_are_registered():
    assert em.REGISTERED_EVENT_IDS == (0, 1, 3, 4, 6, 7)


# The table uses libvirt's numeric ABI values; check every name used above
# against the installed binding when there is one.
LIBVIRT_NAMES = [
    ("VIR_DOMAIN_EVENT_ID_LIFECYCLE", 0), ("VIR_DOMAIN_EVENT_ID_REBOOT", 1),
    ("VIR_DOMAIN_EVENT_ID_WATCHDOG", 3), ("VIR_DOMAIN_EVENT_ID_IO_ERROR", 4),
    ("VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON", 6),
    ("VIR_DOMAIN_EVENT_ID_CONTROL_ERROR", 7),
    ("VIR_DOMAIN_EVENT_SUSPENDED", 3), ("VIR_DOMAIN_EVENT_STOPPED", 5),
    ("VIR_DOMAIN_EVENT_SHUTDOWN", 6), ("VIR_DOMAIN_EVENT_CRASHED", 8),
    ("VIR_DOMAIN_EVENT_STARTED", 2),
    ("VIR_DOMAIN_EVENT_SUSPENDED_IOERROR", 2),
    ("VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG", 3),
    ("VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR", 6),
    ("VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN", 0),
    ("VIR_DOMAIN_EVENT_STOPPED_DESTROYED", 1),
    ("VIR_DOMAIN_EVENT_STOPPED_CRASHED", 2),
    ("VIR_DOMAIN_EVENT_STOPPED_FAILED", 5),
    ("VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED", 0),
    ("VIR_DOMAIN_EVENT_CRASHED_PANICKED", 0),
    ("VIR_DOMAIN_EVENT_CRASHED_CRASHLOADED", 1),
    ("VIR_DOMAIN_EVENT_WATCHDOG_NONE", 0),
    ("VIR_DOMAIN_EVENT_WATCHDOG_DEBUG", 5),
    ("VIR_DOMAIN_EVENT_IO_ERROR_REPORT", 2),
]


@pytest.mark.parametrize("name, value", LIBVIRT_NAMES)
def test_numeric_values_match_libvirt(name, value):
    libvirt = pytest.importorskip("libvirt")
    if not hasattr(libvirt, name):
        pytest.skip(f"{name} not in this libvirt")
    assert getattr(libvirt, name) == value
