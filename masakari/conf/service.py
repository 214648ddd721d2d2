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

"""Service and server options (group DEFAULT)."""

import socket

from oslo_config import cfg

service_opts = [
    cfg.HostAddressOpt('host',
                       default=socket.gethostname(),
                       sample_default='<HOSTNAME>',
                       help='Name of this node: the RPC server name of '
                            'masakari-engine. Must be a valid hostname, '
                            'FQDN or IP address.'),
    cfg.StrOpt('engine_manager',
               default='masakari.engine.manager.MasakariManager',
               help='Full class name of the engine manager that '
                    'masakari-engine builds (with the engine\'s application '
                    'context as its one argument): a subclass of '
                    'masakari.engine.manager.MasakariManager.'),
    cfg.BoolOpt('periodic_enable',
                default=True,
                help='Enable the periodic tasks of masakari-engine.'),
    cfg.IntOpt('periodic_interval_max',
               default=300,
               min=1,
               help='Maximum seconds between two runs of the periodic '
                    'tasks of masakari-engine (they otherwise run every '
                    'process_unfinished_notifications_interval seconds, or '
                    'a third of notification_lease_period if shorter).'),
    cfg.IntOpt('periodic_fuzzy_delay',
               default=60,
               min=0,
               help='Range of seconds to randomly delay the first run of '
                    'the periodic tasks by, so engines started together do '
                    'not run them in lockstep (0 disables).'),
    cfg.BoolOpt('use_ssl',
                default=False,
                help='Serve the API over TLS (see the [ssl] and [wsgi] '
                     'certificate options).'),
    cfg.HostAddressOpt('masakari_api_listen',
                       default='0.0.0.0',
                       help='IP address on which masakari-api listens.'),
    cfg.IntOpt('masakari_api_listen_port',
               default=15868,
               min=1,
               max=65535,
               help='Port on which masakari-api listens.'),
    cfg.IntOpt('masakari_api_workers',
               min=1,
               help='Number of masakari-api worker processes. Defaults to '
                    'the number of CPUs available.'),
    # report_interval and service_down_time (upstream: registered, never
    # read) are not registered: engines prove they are alive through the
    # leases on the notifications they run (notification_lease_period).
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(service_opts)


def list_opts() -> dict:
    return {'DEFAULT': service_opts}
