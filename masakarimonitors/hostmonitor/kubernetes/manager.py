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

"""Kubernetes host monitoring driver (``monitoring_driver = kubernetes``).

A node whose Ready condition is not True for ``monitoring_samples``
consecutive checks is reported STOPPED, and STARTED when it is Ready again.
When more than ``[kubernetes] partition_threshold`` of the nodes are not
Ready at once (or this node itself is not), the cause is assumed to be the
control plane or the network and nothing is reported.
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
from masakarimonitors.hostmonitor.kubernetes import client as client_mod

LOG = logging.getLogger(__name__)


def build_client(conf) -> client_mod.Client:
    kube = conf.kubernetes
    creds = (client_mod.from_kubeconfig(kube.kubeconfig) if kube.kubeconfig
             else client_mod.in_cluster())
    return client_mod.Client(creds, timeout=kube.request_timeout)


class KubernetesCheck(driver.PollingDriver):
    def __init__(self, conf: cfg.ConfigOpts,
                 send: Callable[[dict], bool] | None = None,
                 clock: Callable[[], float] = time.time,
                 wait: Callable[[float], bool] | None = None,
                 notifier=None,
                 client=None,
                 self_names: names.SelfNames | None = None) -> None:
        super().__init__(conf, send=send, clock=clock, wait=wait,
                         notifier=notifier)
        self.client = client if client is not None else build_client(
            self.conf)
        self.names = self_names or names.SelfNames(
            [socket.gethostname(), self.conf.hostname])
        self.history = transitions.SampleHistory(
            self.conf.host.monitoring_samples)
        self.transitions = transitions.Transitions()

    def run_cycle(self) -> None:
        kube = self.conf.kubernetes
        ready = {}
        for node in self.client.list_nodes(kube.monitoring_node_labels):
            name = (node.get("metadata") or {}).get("name")
            status = client_mod.ready_status(node)
            if name and status is not None:
                ready[name] = status == "True"
        self.history.forget(ready)
        self.transitions.forget(ready)
        if transitions.looks_partitioned(ready, self.names.matches,
                                         kube.partition_threshold):
            LOG.warning("Too many nodes not Ready at once (or this one); "
                        "assuming a control plane or network problem, "
                        "nothing is reported this cycle")
            return
        needed = self.conf.host.monitoring_samples
        for name, ok in ready.items():
            samples = self.history.add(
                name, transitions.UP if ok else transitions.DOWN)
            if self.names.matches(name):
                continue
            event = self.transitions.verdict(
                name, transitions.stable(samples, needed))
            if event is not None:
                self.report(events.compute_host(name, event, events.NORMAL))
