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

"""Which libvirt domain events become VM notifications.

Numeric values are libvirt's (stable ABI), so this table needs no libvirt
import. Key: (event id, event type, detail); -1 means "not applicable".
Value: (payload ``event``, payload ``vir_domain_event``).
"""

# Event ids.
LIFECYCLE = 0
REBOOT = 1
WATCHDOG = 3
IO_ERROR = 4
IO_ERROR_REASON = 6
CONTROL_ERROR = 7

# Lifecycle event types.
STARTED = 2
SUSPENDED = 3
RESUMED = 4
STOPPED = 5
SHUTDOWN = 6
CRASHED = 8

NA = -1

_WATCHDOG_ACTIONS = ("WATCHDOG_NONE", "WATCHDOG_PAUSE", "WATCHDOG_RESET",
                     "WATCHDOG_POWEROFF", "WATCHDOG_SHUTDOWN",
                     "WATCHDOG_DEBUG")
_IO_ERROR_ACTIONS = ("IO_ERROR_NONE", "IO_ERROR_PAUSE", "IO_ERROR_REPORT")

EVENT_TABLE: dict = {
    (LIFECYCLE, SUSPENDED, 2): ("LIFECYCLE", "SUSPENDED_IOERROR"),
    (LIFECYCLE, SUSPENDED, 3): ("LIFECYCLE", "SUSPENDED_WATCHDOG"),
    (LIFECYCLE, SUSPENDED, 6): ("LIFECYCLE", "SUSPENDED_API_ERROR"),
    (LIFECYCLE, STOPPED, 0): ("LIFECYCLE", "STOPPED_SHUTDOWN"),
    (LIFECYCLE, STOPPED, 1): ("LIFECYCLE", "STOPPED_DESTROYED"),
    (LIFECYCLE, STOPPED, 5): ("LIFECYCLE", "STOPPED_FAILED"),
    (LIFECYCLE, SHUTDOWN, 0): ("LIFECYCLE", "SHUTDOWN_FINISHED"),
    # Not reported upstream: a guest that crashed (kernel panic, crash
    # loaded) or was stopped because it crashed.
    (LIFECYCLE, STOPPED, 2): ("LIFECYCLE", "STOPPED_CRASHED"),
    (LIFECYCLE, CRASHED, 0): ("LIFECYCLE", "CRASHED_PANICKED"),
    (LIFECYCLE, CRASHED, 1): ("LIFECYCLE", "CRASHED_CRASHLOADED"),
    (REBOOT, NA, NA): ("REBOOT", "UNKNOWN"),
    (IO_ERROR_REASON, NA, NA): ("IO_ERROR_REASON", "UNKNOWN"),
    (CONTROL_ERROR, NA, NA): ("CONTROL_ERROR", "UNKNOWN"),
}
EVENT_TABLE.update({(WATCHDOG, action, NA): ("WATCHDOG", name)
                    for action, name in enumerate(_WATCHDOG_ACTIONS)})
EVENT_TABLE.update({(IO_ERROR, action, NA): ("IO_ERROR", name)
                    for action, name in enumerate(_IO_ERROR_ACTIONS)})

# The event ids worth registering: only those that can produce a
# notification (RTC_CHANGE, GRAPHICS and DISK_CHANGE never do).
REGISTERED_EVENT_IDS = tuple(sorted({key[0] for key in EVENT_TABLE}))

# After a reconnect, a domain that was running and is now shut off is
# reported as the lifecycle event libvirt would have sent.
# Shut-off reason -> lifecycle STOPPED detail.
SHUTOFF_REASON_TO_DETAIL = {
    1: 0,   # SHUTDOWN -> STOPPED_SHUTDOWN
    2: 1,   # DESTROYED -> STOPPED_DESTROYED
    3: 5,   # CRASHED (qemu died) -> STOPPED_FAILED
    6: 5,   # FAILED -> STOPPED_FAILED
}


def lookup(event_id: int, event_type: int, detail: int):
    """(event, vir_domain_event) for a libvirt event, or None."""
    return EVENT_TABLE.get((event_id, event_type, detail))
