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

import urllib.request

from oslo_config import cfg

from masakari import conf as masakari_conf
from masakari.common import metrics

NAMES = (
    "masakari_notifications_received_total",
    "masakari_notifications_total",
    "masakari_recovery_duration_seconds_bucket",
    "masakari_evacuations_total",
    "masakari_fence_attempts_total",
    "masakari_engine_queue_depth",
    "masakari_api_requests_total",
)


def test_each_service_has_its_own_registry():
    one, two = metrics.Metrics(), metrics.Metrics()
    one.notifications.labels(type="VM", status="finished").inc()
    assert b'status="finished"' in one.exposition()
    assert b'status="finished"' not in two.exposition()


def test_documented_names_are_exposed():
    m = metrics.Metrics()
    m.notifications_received.labels(type="COMPUTE_HOST").inc()
    m.notifications.labels(type="COMPUTE_HOST", status="finished").inc()
    m.recovery_duration.labels(type="COMPUTE_HOST",
                               status="finished").observe(3.2)
    m.evacuations.labels(result="succeeded").inc(4)
    m.fence_attempts.labels(driver="redfish", result="off").inc()
    m.queue_depth.set(2)
    m.api_requests.labels(method="POST", status="202").inc()
    text = m.exposition().decode()
    for name in NAMES:
        assert name in text, name
    assert 'masakari_evacuations_total{result="succeeded"} 4.0' in text
    assert "masakari_engine_queue_depth 2.0" in text


def _conf(**overrides):
    conf = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(conf)
    conf([], project="masakari", default_config_files=[])
    for name, value in overrides.items():
        conf.set_override(name, value, group="metrics")
    return conf


def test_disabled_by_default_serves_nothing():
    assert metrics.serve_from_conf(metrics.Metrics(), _conf(), "api") is None


def test_served_over_http_and_stopped():
    m = metrics.Metrics()
    m.fence_attempts.labels(driver="ipmi", result="timeout").inc()
    conf = _conf(enabled=True, engine_port=0)
    port = metrics.serve_from_conf(m, conf, "engine")
    try:
        with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
            body = resp.read().decode()
            assert resp.headers["Content-Type"].startswith("text/plain")
        assert ('masakari_fence_attempts_total{driver="ipmi",'
                'result="timeout"} 1.0') in body
    finally:
        m.stop()
    m.stop()  # idempotent
