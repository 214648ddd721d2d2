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

from masakarimonitors.hostmonitor import names
from masakarimonitors.hostmonitor.consul_check import agent as agent_mod
from masakarimonitors.hostmonitor.consul_check import manager
from masakarimonitors.tests.unit.hostmonitor import fakes

HOSTS = ("node1", "node2", "node3", "node4", "node5")


class FakeAgent:
    def __init__(self):
        self.members_now = {h: True for h in HOSTS}
        self.error = None

    def members(self):
        if self.error:
            raise self.error
        return dict(self.members_now)


class Consul:
    def __init__(self, layers=("manage", "tenant", "storage"), samples=1,
                 matrix_file=None, **consul_overrides):
        conf = fakes.make_conf(monitoring_samples=samples)
        if matrix_file:
            conf.set_override("matrix_config_file", matrix_file, "consul")
        for name, value in consul_overrides.items():
            conf.set_override(name, value, "consul")
        self.agents = {layer: FakeAgent() for layer in layers}
        self.sent = []
        self.driver_notes = []
        self.driver = manager.ConsulCheck(
            conf=conf, send=self._send, agents=self.agents,
            self_names=names.SelfNames(["node1"]))

    def _send(self, note):
        self.driver_notes.append(note)
        self.sent.append(note)

    def cycle(self, **states):
        """states: layer=dict(host=alive or None to remove)."""
        for layer, members in states.items():
            for host, alive in members.items():
                if alive is None:
                    self.agents[layer].members_now.pop(host, None)
                else:
                    self.agents[layer].members_now[host] = alive
        self.driver.run_cycle()
        if self.driver._reporter is not None:
            assert self.driver.reporter.flush(5)
        out = [(n["hostname"], n["payload"]["event"],
                n["payload"]["cluster_status"], n["payload"]["host_status"])
               for n in self.sent]
        self.sent.clear()
        return out


STOPPED = [("node2", "STOPPED", "OFFLINE", "NORMAL")]
STARTED = [("node2", "STARTED", "ONLINE", "NORMAL")]


def test_storage_down_means_recovery_and_return_means_started():
    c = Consul()
    assert c.cycle() == []
    assert c.cycle(storage={"node2": False}) == STOPPED
    assert c.cycle() == []
    assert c.cycle(storage={"node2": True}) == STARTED


def test_reports_never_carry_fencing_evidence():
    """Consul membership proves nothing about power: a NORMAL report here
    must not look like one backed by fencing."""
    c = Consul()
    c.cycle()
    c.cycle(storage={"node2": False})
    c.cycle(storage={"node2": True})
    payloads = [n["payload"] for n in c.driver_notes]
    assert [p["event"] for p in payloads] == ["STOPPED", "STARTED"]
    assert all("fencing" not in p for p in payloads)


def test_manage_down_alone_is_no_recovery_and_no_started():
    c = Consul()
    c.cycle()
    assert c.cycle(manage={"node2": False}) == []
    assert c.cycle(manage={"node2": True}) == []   # no STOPPED to balance


def test_mixed_samples_send_nothing():
    c = Consul(samples=2)
    c.cycle()
    c.cycle()
    assert c.cycle(storage={"node2": False}) == []   # up, down: mixed
    assert c.cycle(storage={"node2": True}) == []
    assert c.cycle(storage={"node2": False}) == []
    assert c.cycle() == STOPPED                       # down, down


def test_host_down_at_start_is_reported_once():
    c = Consul()
    assert c.cycle(storage={"node2": False}) == STOPPED
    assert c.cycle() == []


def test_host_leaving_a_layer_counts_as_down_there():
    c = Consul()
    c.cycle()
    assert c.cycle(storage={"node2": None}) == STOPPED


def test_only_configured_layers_are_needed():
    c = Consul(layers=("storage",))
    c.cycle()
    assert c.cycle(storage={"node2": False}) == STOPPED


@pytest.mark.parametrize("down", [("node1",), ("node2", "node3", "node4")])
def test_partition_guard(down):
    c = Consul()
    c.cycle()
    assert c.cycle(storage={h: False for h in down}) == []


def test_partition_guard_can_be_disabled():
    c = Consul(partition_threshold=1.0)
    c.cycle()
    assert len(c.cycle(storage={"node2": False, "node3": False,
                                "node4": False})) == 3


def test_unreachable_agent_aborts_the_cycle():
    c = Consul()
    c.cycle()
    c.agents["tenant"].error = agent_mod.AgentError("refused")
    with pytest.raises(agent_mod.AgentError):
        c.driver.run_cycle()


def test_custom_matrix(tmp_path):
    path = tmp_path / "matrix.yaml"
    path.write_text("sequence: [manage, storage]\nmatrix:\n"
                    "  - health: [down, up]\n    action: [recovery]\n")
    c = Consul(matrix_file=str(path))
    c.cycle()
    assert c.cycle(storage={"node2": False}) == []
    assert c.cycle(storage={"node2": True}, manage={"node2": False}) == STOPPED
