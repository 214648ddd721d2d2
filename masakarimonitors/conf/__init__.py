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

"""Every masakarimonitors option, registered on one ConfigOpts object.

The monitors use their own ``ConfigOpts`` instance rather than the global
``cfg.CONF``: the masakari services register theirs on the global object,
and a test process that imports both must not see option clashes.
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


CONF = register_all(cfg.ConfigOpts())
