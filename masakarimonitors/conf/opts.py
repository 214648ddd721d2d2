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

"""Options for oslo-config-generator (namespace masakarimonitors.conf)."""

import collections

from oslo_privsep import priv_context

from masakarimonitors import conf as _conf

PRIVSEP_GROUP = "masakarimonitors_privileged"


def list_opts() -> list:
    """Return ``[(group, [opts])]`` for every masakarimonitors group."""
    grouped: dict = collections.OrderedDict()
    for module in _conf.MODULES:
        for group, opts in module.list_opts().items():
            name = getattr(group, "name", group)
            key = group if name == group else name
            grouped.setdefault(key, (group, []))[1].extend(opts)
    result = [(group, opts) for group, opts in grouped.values()]
    result.append((PRIVSEP_GROUP, list(priv_context.OPTS)))
    return result
