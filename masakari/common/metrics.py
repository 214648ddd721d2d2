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

"""Prometheus metrics of masakari-api and masakari-engine.

Each service owns one ``Metrics`` (a registry of its own, no global state)
and serves it in the Prometheus text format on an opt-in port ([metrics]
options). The metric names are part of the documented interface: see
doc/source/admin/metrics.rst.
"""

from __future__ import annotations

import logging
from typing import Any

import prometheus_client as prom

LOG = logging.getLogger(__name__)

# Seconds from a notification being stored to its final status.
DURATION_BUCKETS = (1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600)


class Metrics:
    """The metrics of one service process."""

    def __init__(self, registry: prom.CollectorRegistry | None = None
                 ) -> None:
        self.registry = registry or prom.CollectorRegistry()
        reg = self.registry
        self.notifications_received = prom.Counter(
            "masakari_notifications_received",
            "Notifications accepted by masakari-api, by type.",
            ["type"], registry=reg)
        self.notifications = prom.Counter(
            "masakari_notifications",
            "Notifications masakari-engine brought to a final status, by "
            "type and status.",
            ["type", "status"], registry=reg)
        self.recovery_duration = prom.Histogram(
            "masakari_recovery_duration_seconds",
            "Seconds from masakari-api storing a notification to the "
            "engine storing its final status, by type and status.",
            ["type", "status"], buckets=DURATION_BUCKETS, registry=reg)
        self.evacuations = prom.Counter(
            "masakari_evacuations",
            "Instances evacuated from failed hosts, by result (succeeded, "
            "failed, ignored).",
            ["result"], registry=reg)
        self.fence_attempts = prom.Counter(
            "masakari_fence_attempts",
            "Fence device attempts of the engine, by driver and result "
            "(off, failed, timeout, error).",
            ["driver", "result"], registry=reg)
        self.queue_depth = prom.Gauge(
            "masakari_engine_queue_depth",
            "Notifications this engine is running or has queued to run.",
            registry=reg)
        self.api_requests = prom.Counter(
            "masakari_api_requests",
            "Requests answered by masakari-api, by method and status code.",
            ["method", "status"], registry=reg)
        self._server: Any = None

    def exposition(self) -> bytes:
        """The current values in the Prometheus text format."""
        return prom.generate_latest(self.registry)

    def serve(self, host: str, port: int) -> int:
        """Serve /metrics on host:port in a daemon thread; the bound port."""
        server, _thread = prom.start_http_server(port, addr=host,
                                                 registry=self.registry)
        self._server = server
        bound = server.server_address[1]
        LOG.info("Prometheus metrics at http://%s:%d/metrics", host, bound)
        return bound

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()


def serve_from_conf(metrics: Metrics, conf: Any, service: str,
                    offset: int = 0) -> int | None:
    """Serve ``metrics`` if [metrics] enables it for ``service`` ("api" or
    "engine"); the bound port or None. ``offset``: added to the port (the
    API worker's slot), unless the port is 0 (any free port)."""
    group = conf.metrics
    if not group.enabled:
        return None
    port = group.api_port if service == "api" else group.engine_port
    return metrics.serve(group.host, port + offset if port else 0)
