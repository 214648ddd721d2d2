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

"""Register a group on a ConfigOpts without sharing the OptGroup object.

oslo.config stores a group's options inside the ``OptGroup`` instance, so
registering one module-level ``OptGroup`` on two ConfigOpts objects would
leak options (e.g. keystoneauth plugin options) from one into the other.
"""

from oslo_config import cfg


def register(conf: cfg.ConfigOpts, group: cfg.OptGroup, opts: list) -> None:
    conf.register_group(cfg.OptGroup(group.name, title=group.title,
                                     help=group.help))
    conf.register_opts(opts, group=group.name)
