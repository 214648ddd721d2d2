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

from masakarimonitors.introspectiveinstancemonitor import guest

REGEX = (r"/var/lib/libvirt/qemu/org\.qemu\.guest_agent\..*"
         r"\.instance-.*\.sock")
AGENT = ("<channel type='unix'><source mode='bind' path='/var/lib/libvirt/"
         "qemu/org.qemu.guest_agent.0.instance-0001.sock'/>"
         "<target type='virtio' name='org.qemu.guest_agent.0'/></channel>")
OTHER = ("<channel type='unix'><source mode='bind' path='/tmp/other.sock'/>"
         "</channel>")


@pytest.mark.parametrize("devices, expected", [
    (AGENT, True),
    (OTHER + AGENT, True),           # not only the first channel
    (OTHER, False),
    (AGENT.replace("bind", "connect"), False),
    ("", False),
])
def test_has_agent_channel(devices, expected):
    xml = f"<domain><devices>{devices}</devices></domain>"
    assert guest.has_agent_channel(xml, REGEX) is expected


def test_bad_xml():
    assert guest.has_agent_channel("<domain", REGEX) is False


class FakeQemu:
    def __init__(self, result=None, error=None):
        self.result, self.error, self.calls = result, error, []

    def qemuAgentCommand(self, dom, command, timeout, flags):  # noqa: N802
        self.calls.append((dom, command, timeout, flags))
        if self.error:
            raise self.error
        return self.result


def test_ping():
    ok = FakeQemu(result='{"return": {}}')
    assert guest.ping(ok, "dom", 2) is True
    assert ok.calls == [("dom", '{"execute": "guest-ping"}', 2, 0)]
    assert guest.ping(FakeQemu(result=None), "dom", 2) is False
    assert guest.ping(FakeQemu(error=RuntimeError("x")), "dom", 2) is False
