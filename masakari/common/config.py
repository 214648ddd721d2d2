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

"""Command line and configuration file handling shared by every console script.

Every masakari entry point calls :func:`parse_args` with its argv, so
``--config-file``/``--config-dir`` and the oslo.log switches behave the same
everywhere, and then :func:`setup_logging`.
"""

from __future__ import annotations

from oslo_config import cfg
from oslo_db import options as oslo_db_options
from oslo_log import log
from oslo_middleware import cors

from masakari import conf as masakari_conf
from masakari import version

PROJECT = 'masakari'

# Libraries whose chatter is noise at INFO level for an operator.
_DEFAULT_LOG_LEVELS = [
    'amqp=WARN', 'amqplib=WARN', 'kombu=WARN', 'sqlalchemy=WARN',
    'oslo.messaging=INFO', 'oslo_messaging=INFO', 'iso8601=WARN',
    'requests.packages.urllib3.connectionpool=WARN',
    'urllib3.connectionpool=WARN', 'stevedore=WARN',
    'keystonemiddleware=WARN', 'routes.middleware=WARN',
    'taskflow=WARN', 'keystoneauth=WARN', 'oslo_policy=INFO',
    'cheroot=WARN',
]

_CORS_ALLOW_HEADERS = ['X-Auth-Token', 'X-Openstack-Request-Id',
                       'X-Identity-Status', 'X-Roles', 'X-Service-Catalog',
                       'X-User-Id', 'X-Tenant-Id']
_CORS_EXPOSE_HEADERS = ['X-Auth-Token', 'X-Openstack-Request-Id',
                        'X-Subject-Token', 'X-Service-Token']
_CORS_ALLOW_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH']


def set_lib_defaults() -> None:
    """Masakari's defaults for options owned by libraries.

    Also the oslo.config.opts.defaults hook, so generated samples show them.
    """
    cors.set_defaults(allow_headers=_CORS_ALLOW_HEADERS,
                      expose_headers=_CORS_EXPOSE_HEADERS,
                      allow_methods=_CORS_ALLOW_METHODS)
    cfg.set_defaults(oslo_db_options.database_opts,
                     connection=masakari_conf.database.DEFAULT_SQL_CONNECTION)
    try:
        import oslo_messaging
    except ImportError:  # pragma: no cover - a hard requirement
        return
    oslo_messaging.set_transport_defaults(control_exchange='masakari')


def parse_args(argv: list[str], conf: cfg.ConfigOpts | None = None,
               default_config_files: list[str] | None = None,
               usage: str | None = None,
               description: str | None = None) -> cfg.ConfigOpts:
    """Parse argv[1:] and the configuration files into ``conf``.

    Args:
        argv: the full argument vector (argv[0] is the program name).
        conf: the ConfigOpts to fill; the global masakari CONF by default.
        default_config_files: files to read when no --config-file is given;
            oslo.config's search (~/.masakari, ~/, /etc/masakari, /etc) for
            masakari.conf otherwise.
    """
    conf = conf if conf is not None else masakari_conf.CONF
    _register_logging(conf)
    set_lib_defaults()
    conf(argv[1:],
         project=PROJECT,
         version=version.version_string(),
         default_config_files=default_config_files,
         usage=usage,
         description=description)
    return conf


def _register_logging(conf: cfg.ConfigOpts) -> None:
    try:
        log.register_options(conf)
    except cfg.ArgsAlreadyParsedError:
        pass
    except cfg.DuplicateOptError:
        pass
    levels = log.get_default_log_levels()
    # Idempotent: parse_args may run more than once in one process.
    log.set_defaults(default_log_levels=levels + [
        level for level in _DEFAULT_LOG_LEVELS if level not in levels])


def setup_logging(conf: cfg.ConfigOpts | None = None) -> None:
    """Configure oslo.log from the parsed configuration."""
    conf = conf if conf is not None else masakari_conf.CONF
    log.setup(conf, PROJECT)
