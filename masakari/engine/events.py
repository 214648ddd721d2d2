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

"""VM notification events that trigger recovery."""

# (event, vir_domain_event) pairs; everything else is ignored, case-sensitive.
# Beyond upstream: STOPPED_CRASHED (the guest crashed and libvirt stopped it,
# Nova's default on_crash=destroy) leaves the instance down exactly like
# STOPPED_FAILED.  CRASHED_PANICKED / CRASHED_CRASHLOADED stay ignored: the
# first is followed by STOPPED_CRASHED when the guest really goes down, the
# second means the guest runs its crash kernel (kdump) and reboots itself -
# stopping it would destroy the dump.
RECOVERABLE_INSTANCE_EVENTS = frozenset(
    {
        ("LIFECYCLE", "STOPPED_FAILED"),
        ("LIFECYCLE", "STOPPED_CRASHED"),
        ("QEMU_GUEST_AGENT_ERROR", "STOPPED_FAILED"),
        ("IO_ERROR", "IO_ERROR_REPORT"),
    }
)

SEGMENT_DISABLED_MESSAGE = "Recovery aboart: the segment HA is disabled."
