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

"""WSGI server options of masakari-api (group wsgi)."""

from oslo_config import cfg
from oslo_service import _options as service_options

wsgi_group = cfg.OptGroup(
    'wsgi',
    title='WSGI server options',
    help='Options of the HTTP server built into masakari-api.')

wsgi_opts = [
    cfg.StrOpt('api_paste_config',
               default='api-paste.ini',
               help='File name of the PasteDeploy configuration of the API '
                    'pipeline; a relative name is searched next to the '
                    'configuration files.'),
    cfg.StrOpt('wsgi_log_format',
               default='%(client_ip)s "%(request_line)s" status: '
                       '%(status_code)s len: %(body_length)s time: '
                       '%(wall_seconds).7f',
               help='Format of one access log line. Fields: client_ip, '
                    'request_line, status_code, body_length, wall_seconds.'),
    cfg.StrOpt('secure_proxy_ssl_header',
               deprecated_for_removal=True,
               deprecated_reason='Use the http_proxy_to_wsgi middleware '
                                 'of oslo.middleware instead.',
               help='HTTP header that tells the original request scheme '
                    'behind an SSL-terminating proxy, for example '
                    'HTTP_X_FORWARDED_PROTO.'),
    cfg.StrOpt('ssl_ca_file',
               help='CA certificate file used to verify connecting clients.'),
    cfg.StrOpt('ssl_cert_file',
               help='TLS certificate file of the server.'),
    cfg.StrOpt('ssl_key_file',
               help='Private key file of the server certificate.'),
    cfg.IntOpt('tcp_keepidle',
               default=600,
               min=1,
               help='TCP_KEEPIDLE in seconds for each server socket: idle '
                    'time before the first TCP keepalive probe on a client '
                    'connection.'),
    cfg.IntOpt('default_pool_size',
               default=1000,
               min=1,
               help='Maximum number of requests a worker serves '
                    'concurrently (size of its thread pool; capped at a '
                    'sane number of native threads).'),
    cfg.IntOpt('max_header_line',
               default=16384,
               min=1,
               help='Maximum size of one message header line. Large '
                    'Keystone tokens (with many service catalog entries) '
                    'may need more.'),
    cfg.BoolOpt('keep_alive',
                default=True,
                help='Keep client connections open between requests '
                     '(HTTP keep-alive); when false every response closes '
                     'its connection.'),
    cfg.IntOpt('client_socket_timeout',
               default=900,
               min=0,
               help='Seconds a client connection may stay idle; 0 waits '
                    'forever.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(wsgi_group)
    conf.register_opts(wsgi_opts, group=wsgi_group)
    # oslo.service's graceful_shutdown_timeout bounds the server's
    # draining; listed in the sample through its own namespace.
    conf.register_opts(service_options.service_opts)


def list_opts() -> dict:
    return {wsgi_group: wsgi_opts}
