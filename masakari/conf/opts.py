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

"""Option listers for oslo-config-generator (namespace masakari.conf)."""

import collections

from masakari.conf import MODULES
from masakari.conf import engine_driver


def _group_key(group) -> str:
    return getattr(group, 'name', group)


def list_opts() -> list:
    """Every masakari option, grouped, for the main sample file."""
    merged = collections.OrderedDict()
    groups = {}
    for module in MODULES:
        for group, opts in module.list_opts().items():
            key = _group_key(group)
            groups.setdefault(key, group)
            merged.setdefault(key, []).extend(opts)
    return [(groups[key], opts) for key, opts in merged.items()]


def list_recovery_workflow_opts() -> list:
    """The custom recovery workflow lists (their own sample file)."""
    return list(engine_driver.list_recovery_workflow_opts().items())
