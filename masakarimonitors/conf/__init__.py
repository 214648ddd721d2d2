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

"""The masakarimonitors options and the factory of a daemon's config object.

Every daemon builds its own ``ConfigOpts`` with :func:`new_config` (never
the global ``cfg.CONF``): the masakari services register their options on
the global object, and a process that imports both must not see option
clashes. The object is then handed down explicitly; nothing in the
monitors reads a module-level configuration.
"""

from oslo_config import cfg

from masakarimonitors.conf import api
from masakarimonitors.conf import base
from masakarimonitors.conf import callback
from masakarimonitors.conf import consul
from masakarimonitors.conf import host
from masakarimonitors.conf import instance
from masakarimonitors.conf import introspectiveinstancemonitor
from masakarimonitors.conf import kubernetes
from masakarimonitors.conf import libvirt
from masakarimonitors.conf import process

MODULES = (base, api, callback, consul, host, instance,
           introspectiveinstancemonitor, kubernetes, libvirt, process)


def register_all(conf: cfg.ConfigOpts) -> cfg.ConfigOpts:
    """Register every group of every module on ``conf`` and return it."""
    for module in MODULES:
        module.register_opts(conf)
    return conf


def new_config() -> cfg.ConfigOpts:
    """A fresh ConfigOpts with every monitors option registered."""
    return register_all(cfg.ConfigOpts())
