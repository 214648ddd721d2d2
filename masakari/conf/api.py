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

"""Options of the REST API (group DEFAULT)."""

from oslo_config import cfg

auth_opts = [
    cfg.StrOpt('auth_strategy',
               default='keystone',
               choices=[
                   ('keystone', 'Use keystone (keystonemiddleware '
                                'auth_token) for authentication.'),
                   ('noauth2', 'Designed for testing only: trusts the '
                               'X-Auth-Token "user:project" and grants '
                               'admin to the user "admin".'),
               ],
               help='The strategy to use for authentication.'),
    cfg.BoolOpt('use_forwarded_for',
                default=False,
                deprecated_for_removal=True,
                deprecated_reason='Use the http_proxy_to_wsgi middleware '
                                  'of oslo.middleware instead.',
                help='Treat X-Forwarded-For as the canonical remote address. '
                     'Only enable this if you have a sanitizing proxy.'),
]

osapi_opts = [
    cfg.IntOpt('osapi_max_limit',
               default=1000,
               min=1,
               help='The maximum number of items returned in a single '
                    'response from a collection resource. Unlike upstream, '
                    'the value is honoured.'),
    cfg.StrOpt('osapi_masakari_link_prefix',
               help='Base URL that appears in links returned by the API '
                    'instead of the one the request came in on (for '
                    'deployments behind a proxy).'),
]

notification_opts = [
    cfg.IntOpt('notification_delay_max',
               default=0,
               min=0,
               help='Maximum number of seconds masakari-api waits, at '
                    'random, before storing a notification when no '
                    'coordination backend is configured. Duplicate '
                    'detection is race-free without any delay (it is '
                    'decided inside one database transaction), so the '
                    'default is 0; upstream masakari waited up to 5 '
                    'seconds to reduce its duplicate race.'),
]

ALL_OPTS = auth_opts + osapi_opts + notification_opts


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(ALL_OPTS)


def list_opts() -> dict:
    return {'DEFAULT': ALL_OPTS}
