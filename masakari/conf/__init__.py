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

"""All masakari configuration options, registered on one global ConfigOpts.

Each option group lives in its own module with ``register_opts(conf)`` and
``list_opts()``; importing this package registers every one of them on
``CONF``.  Code reads options through objects passed in from the edge
(console scripts, service constructors) wherever a parameter will do.
"""

from oslo_config import cfg

from masakari.conf import api
from masakari.conf import base
from masakari.conf import coordination
from masakari.conf import database
from masakari.conf import engine
from masakari.conf import engine_driver
from masakari.conf import fencing
from masakari.conf import metrics
from masakari.conf import nova
from masakari.conf import osapi_v1
from masakari.conf import paths
from masakari.conf import recovery_policy
from masakari.conf import service
from masakari.conf import ssl
from masakari.conf import wsgi

CONF = cfg.CONF

MODULES = (
    api,
    base,
    coordination,
    database,
    engine,
    engine_driver,
    fencing,
    metrics,
    nova,
    osapi_v1,
    paths,
    recovery_policy,
    service,
    ssl,
    wsgi,
)

for _module in MODULES:
    _module.register_opts(CONF)
