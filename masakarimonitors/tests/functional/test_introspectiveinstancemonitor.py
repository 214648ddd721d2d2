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

"""Introspective monitor against libvirt's test driver.

The test driver keeps the guest-agent channel of a domain but cannot run
agent commands, so the QEMU agent call is replaced at the libvirt boundary
(``libvirt_qemu.qemuAgentCommand``) where a test needs answers.
"""

import threading
import uuid

import pytest

from masakarimonitors.tests import conftest
from masakarimonitors.testing import helpers

pytestmark = pytest.mark.functional

try:
    import libvirt
except ImportError:  # pragma: no cover - depends on the machine
    libvirt = None

AGENT_DOMAIN = """<domain type='test'><name>{name}</name>
<memory>65536</memory><os><type>hvm</type></os><devices>
<channel type='unix'><source mode='bind'
 path='/var/lib/libvirt/qemu/org.qemu.guest_agent.0.{name}.sock'/>
<target type='virtio' name='org.qemu.guest_agent.0'/></channel>
</devices></domain>"""


class ScriptedAgent:
    """Stands in for libvirt_qemu: answers while ``healthy`` is set."""

    def __init__(self):
        self.healthy = threading.Event()
        self.calls = 0

    def qemuAgentCommand(self, dom, command, timeout, flags):  # noqa: N802
        self.calls += 1
        if self.healthy.is_set():
            return '{"return": {}}'
        raise libvirt.libvirtError("guest agent is not responding")


@pytest.fixture
def guests():
    conftest.require_backend(libvirt is not None, "libvirt-python")
    conn = libvirt.open("test:///default")
    created = []

    def create():
        name = f"instance-{uuid.uuid4().hex[:8]}"
        dom = conn.createXML(AGENT_DOMAIN.format(name=name), 0)
        created.append(dom)
        return dom

    yield create
    for dom in created:
        try:
            dom.destroy()
        except libvirt.libvirtError:
            pass
    conn.close()


def _monitor(make_conf, fake_api, event_loop, agent=None, **opts):
    from masakarimonitors.common import notifier as notifier_mod
    from masakarimonitors.introspectiveinstancemonitor import instance
    options = {"guest_monitoring_interval": 1,
               "guest_monitoring_failure_threshold": 0,
               "guest_discovery_timeout": 0}
    options.update(opts)
    conf = make_conf(fake_api.endpoint, DEFAULT={"hostname": "compute-1"},
                     libvirt={"connection_uri": "test:///default"},
                     callback={"retry_max": 0},
                     introspectiveinstancemonitor=options)
    mgr = instance.IntrospectiveInstanceMonitorManager(
        conf, notifier_mod.Notifier(0, 0, conf), libvirt_qemu=agent,
        event_loop=event_loop)
    mgr.init_host()
    thread = threading.Thread(target=mgr.main, daemon=True)
    thread.start()
    return mgr, thread


def test_agent_that_stops_answering_is_reported(make_conf, fake_api,
                                                guests, libvirt_event_loop):
    agent = ScriptedAgent()
    agent.healthy.set()
    dom = guests()
    mgr, thread = _monitor(make_conf, fake_api, libvirt_event_loop, agent)
    try:
        helpers.wait_until(
            lambda: getattr(mgr.journals.get(dom.UUIDString()), "state",
                            None) == "healthy", message="healthy guest")
        agent.healthy.clear()
        [note] = fake_api.wait_for(1, timeout=30)
    finally:
        mgr.stop()
        thread.join(10)
    assert note["type"] == "VM"
    assert note["hostname"] == "compute-1"
    assert note["payload"] == {"event": "QEMU_GUEST_AGENT_ERROR",
                               "instance_uuid": dom.UUIDString(),
                               "vir_domain_event": "STOPPED_FAILED"}
    assert not thread.is_alive()


def test_guest_that_never_answers_is_reported(make_conf, fake_api, guests,
                                              libvirt_event_loop):
    dom = guests()          # real libvirt_qemu: the test driver refuses
    mgr, thread = _monitor(make_conf, fake_api, libvirt_event_loop,
                           guest_discovery_timeout=2)
    try:
        [note] = fake_api.wait_for(1, timeout=30)
    finally:
        mgr.stop()
        thread.join(10)
    assert note["payload"]["instance_uuid"] == dom.UUIDString()
    # The stock "test" domain has no agent channel: never pinged.
    conn = libvirt.open("test:///default")
    assert conn.lookupByName("test").UUIDString() not in mgr.journals
    conn.close()
