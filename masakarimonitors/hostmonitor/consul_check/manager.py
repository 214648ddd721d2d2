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

"""Consul host monitoring driver (``monitoring_driver = consul``).

Each configured layer (manage, tenant, storage network) has its own consul
agent; a host's health vector holds its state in every layer, in matrix
``sequence`` order. A host that disappears from a layer it was seen in
counts as down there. When this host looks isolated in any layer (its own
agent sees it down, or most peers down at once) nothing is reported.
Layers without a configured agent count as up.
"""

from __future__ import annotations

import logging
import socket
import time
from typing import Callable

from oslo_config import cfg

from masakarimonitors.hostmonitor import driver
from masakarimonitors.hostmonitor import events
from masakarimonitors.hostmonitor import names
from masakarimonitors.hostmonitor import transitions
from masakarimonitors.hostmonitor.consul_check import agent as agent_mod
from masakarimonitors.hostmonitor.consul_check import matrix as matrix_mod

LOG = logging.getLogger(__name__)

LAYER_OPTIONS = {"manage": "agent_manage", "tenant": "agent_tenant",
                 "storage": "agent_storage"}


class ConsulCheck(driver.PollingDriver):
    def __init__(self, conf: cfg.ConfigOpts,
                 send: Callable[[dict], bool] | None = None,
                 clock: Callable[[], float] = time.time,
                 wait: Callable[[float], bool] | None = None,
                 notifier=None,
                 agents: dict | None = None,
                 self_names: names.SelfNames | None = None) -> None:
        super().__init__(conf, send=send, clock=clock, wait=wait,
                         notifier=notifier)
        consul = self.conf.consul
        self.matrix = matrix_mod.load(consul.matrix_config_file)
        if agents is None:
            agents = {
                layer: agent_mod.Agent(
                    consul[option], scheme=consul.scheme,
                    token=consul.token, cafile=consul.cafile,
                    timeout=consul.request_timeout)
                for layer, option in LAYER_OPTIONS.items() if consul[option]}
        self.agents = {layer: agents[layer] for layer in self.matrix.sequence
                       if layer in agents}
        if not self.agents:
            LOG.warning("No consul agent configured for the layers %s",
                        ", ".join(self.matrix.sequence))
        self.names = self_names or names.SelfNames(
            [socket.gethostname(), self.conf.hostname])
        self.history = transitions.SampleHistory(
            self.conf.host.monitoring_samples)
        self.transitions = transitions.Transitions()
        self._seen: dict[str, set[str]] = {layer: set()
                                           for layer in self.agents}

    def run_cycle(self) -> None:
        if not self.agents:
            return
        layers = {layer: agent.members()
                  for layer, agent in self.agents.items()}
        threshold = self.conf.consul.partition_threshold
        for layer, members in layers.items():
            if transitions.looks_partitioned(members, self.names.matches,
                                             threshold):
                LOG.warning("This host looks isolated in the %s layer; "
                            "nothing is reported this cycle", layer)
                return
        first = next(iter(self.agents))
        for host in layers[first]:
            vector = self._vector(host, layers)
            samples = self.history.add(host, vector)
            if self.names.matches(host):
                continue
            note = self._judge(host, samples)
            if note is not None:
                self.report(note)

    def _vector(self, host: str, layers: dict) -> tuple[str | None, ...]:
        vector = []
        for layer in self.matrix.sequence:
            members = layers.get(layer)
            if members is None:
                vector.append("up")        # layer not monitored here
            elif host in members:
                self._seen[layer].add(host)
                vector.append("up" if members[host] else "down")
            elif host in self._seen[layer]:
                vector.append("down")      # left the layer it was in
            else:
                vector.append(None)        # never part of this layer
        return tuple(vector)

    def _judge(self, host: str, samples: list) -> dict | None:
        needed = self.conf.host.monitoring_samples
        if len(samples) < needed:
            return None
        health = tuple(transitions.stable([s[i] for s in samples], needed)
                       for i in range(len(samples[-1])))
        event = self.transitions.verdict(host, self._verdict(host, health))
        if event is None:
            return None
        return events.compute_host(host, event, events.NORMAL)

    def _verdict(self, host: str, health: tuple) -> str | None:
        if any(h is None for h in health):
            return None                    # mixed samples or no data
        if "down" not in health:
            return transitions.UP
        actions = self.matrix.actions(health)
        if actions and matrix_mod.RECOVERY in actions:
            return transitions.DOWN
        LOG.info("Consul health of %s is %s: no recovery action", host,
                 health)
        return None
