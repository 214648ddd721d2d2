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

"""Database options: oslo.db's, with the embedded SQLite file as default.

The options themselves belong to oslo.db (and appear in the sample through
its generator namespace); masakari only changes the default connection.
"""

from oslo_config import cfg
from oslo_db import options as oslo_db_options

from masakari.conf import paths

DEFAULT_SQL_CONNECTION = 'sqlite:///' + paths.state_path_def('masakari.sqlite')


def register_opts(conf: cfg.ConfigOpts) -> None:
    oslo_db_options.set_defaults(conf, connection=DEFAULT_SQL_CONNECTION)


def list_opts() -> dict:
    return {}
