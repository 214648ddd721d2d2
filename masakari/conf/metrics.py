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

"""Prometheus metrics endpoints (group metrics)."""

from oslo_config import cfg

metrics_group = cfg.OptGroup(
    'metrics',
    title='Metrics options',
    help='Prometheus text exposition of masakari-api and masakari-engine '
         'counters (notifications, recovery durations, evacuations, fence '
         'attempts, queue depth), each service on a port of its own.')

metrics_opts = [
    cfg.BoolOpt('enabled',
                default=False,
                help='Serve Prometheus metrics at http://<host>:<port>/'
                     'metrics (api_port for masakari-api, engine_port for '
                     'masakari-engine; the all-in-one serves both on '
                     'engine_port).'),
    cfg.HostAddressOpt('host',
                       default='127.0.0.1',
                       help='Address the metrics endpoints listen on.'),
    cfg.PortOpt('api_port',
                default=15869,
                help='Port of masakari-api\'s metrics endpoint (0: any free '
                     'port, logged at start).'),
    cfg.PortOpt('engine_port',
                default=15870,
                help='Port of masakari-engine\'s metrics endpoint (0: any '
                     'free port, logged at start).'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(metrics_group)
    conf.register_opts(metrics_opts, group=metrics_group)


def list_opts() -> dict:
    return {metrics_group: metrics_opts}
