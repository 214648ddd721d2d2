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

"""Command line and config file handling shared by the console scripts."""

from oslo_config import cfg

from masakari import conf as masakari_conf
from masakari.common import config


def _conf():
    c = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(c)
    return c


def test_config_file_and_dir(tmp_path):
    f = tmp_path / 'masakari.conf'
    f.write_text('[DEFAULT]\nosapi_max_limit = 50\n')
    d = tmp_path / 'masakari.conf.d'
    d.mkdir()
    (d / '10-engine.conf').write_text('[DEFAULT]\nverify_interval = 3\n')
    c = config.parse_args(['prog', '--config-file', str(f),
                           '--config-dir', str(d)], conf=_conf())
    assert c.osapi_max_limit == 50
    assert c.verify_interval == 3
    assert c.config_file == [str(f)]


def test_logging_options_registered(tmp_path):
    c = config.parse_args(['prog', '--debug'], conf=_conf(),
                          default_config_files=[])
    assert c.debug is True


def test_lib_defaults_cors_and_database():
    config.set_lib_defaults()
    from oslo_db import options as oslo_db_options
    from oslo_middleware import cors
    connection = [o for o in oslo_db_options.database_opts
                  if o.dest == 'connection'][0]
    assert connection.default == masakari_conf.database.DEFAULT_SQL_CONNECTION
    allow_headers = [o for o in cors.CORS_OPTS if o.dest == 'allow_headers'][0]
    assert 'X-Openstack-Request-Id' in allow_headers.default


def test_log_level_defaults_are_not_repeated():
    from oslo_log import _options
    config.parse_args(['prog'], conf=_conf(), default_config_files=[])
    config.parse_args(['prog'], conf=_conf(), default_config_files=[])
    levels = [o for o in _options.log_opts
              if o.dest == 'default_log_levels'][0].default
    assert len(levels) == len(set(levels))
    assert 'cheroot=WARN' in levels
