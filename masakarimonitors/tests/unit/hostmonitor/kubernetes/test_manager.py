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
from masakarimonitors.hostmonitor.kubernetes import manager
from masakarimonitors.tests.unit.hostmonitor import fakes


class FakeClient:
    def __init__(self):
        self.ready = {f"node{i}": "True" for i in range(1, 6)}
        self.selectors = []

    def list_nodes(self, selector):
        self.selectors.append(selector)
        return [{"metadata": {"name": n},
                 "status": {"conditions": [] if s is None else
                            [{"type": "Ready", "status": s}]}}
                for n, s in self.ready.items()]


class Kube:
    def __init__(self, samples=1, **kube_overrides):
        conf = fakes.make_conf(monitoring_samples=samples)
        for name, value in kube_overrides.items():
            conf.set_override(name, value, "kubernetes")
        self.client = FakeClient()
        self.sent = []
        self.driver = manager.KubernetesCheck(
            conf=conf, send=self.sent.append, client=self.client,
            self_names=names.SelfNames(["node1"]))

    def cycle(self, **ready):
        self.client.ready.update(ready)
        self.driver.run_cycle()
        if self.driver._reporter is not None:
            assert self.driver.reporter.flush(5)
        out = [(n["hostname"], n["payload"]) for n in self.sent]
        self.sent.clear()
        return out


STOPPED = [("node2", {"event": "STOPPED", "cluster_status": "OFFLINE",
                      "host_status": "NORMAL"})]
STARTED = [("node2", {"event": "STARTED", "cluster_status": "ONLINE",
                      "host_status": "NORMAL"})]


def test_not_ready_then_ready():
    k = Kube(samples=2, monitoring_node_labels="compute=true")
    k.cycle()
    k.cycle()
    assert k.cycle(node2="False") == []
    assert k.cycle(node2="Unknown") == STOPPED
    assert k.cycle() == []                 # still not Ready: once only
    assert k.cycle(node2="True") == []     # samples mixed
    assert k.cycle() == STARTED
    assert k.client.selectors[0] == "compute=true"


def test_node_down_at_start_reported_once():
    k = Kube()
    assert k.cycle(node3="False") == [
        ("node3", {"event": "STOPPED", "cluster_status": "OFFLINE",
                   "host_status": "NORMAL"})]
    assert k.cycle() == []


def test_nodes_without_ready_condition_are_ignored():
    k = Kube()
    assert k.cycle(node2=None) == []


def test_removed_node_is_forgotten():
    k = Kube()
    k.cycle(node2="False")
    del k.client.ready["node2"]
    k.cycle()
    assert "node2" not in k.driver.history.hosts()
    assert k.cycle(node2="False") == STOPPED


@pytest.mark.parametrize("ready", [
    {"node1": "False"}, {"node2": "False", "node3": "False",
                         "node4": "False"}])
def test_partition_guard(ready):
    k = Kube()
    k.cycle()
    assert k.cycle(**ready) == []


def test_reports_never_carry_fencing_evidence():
    """Kubernetes readiness proves nothing about power: a NORMAL report
    here must not look like one backed by fencing."""
    k = Kube()
    k.cycle()
    (_, stopped), = k.cycle(node2="False")
    (_, started), = k.cycle(node2="True")
    assert stopped["host_status"] == "NORMAL"
    assert "fencing" not in stopped and "fencing" not in started
