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

"""Guest-agent channel detection and ping through libvirt."""

import json
import re
import xml.etree.ElementTree as ET

PING = json.dumps({"execute": "guest-ping"})
RUNNING = 1


def has_agent_channel(domain_xml: str, sock_path_regex: str) -> bool:
    """True when any channel has a bound source whose path matches."""
    try:
        root = ET.fromstring(domain_xml)
    except ET.ParseError:
        return False
    pattern = re.compile(sock_path_regex)
    for channel in root.iterfind("./devices/channel"):
        for source in channel.iterfind("source"):
            path = source.get("path") or ""
            if source.get("mode") == "bind" and pattern.match(path):
                return True
    return False


def ping(libvirt_qemu, dom, timeout: int) -> bool:
    """Send guest-ping through the QEMU agent; False on any failure."""
    try:
        result = libvirt_qemu.qemuAgentCommand(dom, PING, timeout, 0)
    except Exception:
        return False
    return result is not None
