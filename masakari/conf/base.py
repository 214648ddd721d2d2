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

"""Process-wide basics (group DEFAULT)."""

from oslo_config import cfg

base_opts = [
    cfg.StrOpt('tempdir',
               help='Explicitly specify the temporary working directory. '
                    'Services check at start-up that they can write to it.'),
    # Not registered although upstream has them, because nothing here would
    # read them (a configuration file that still sets them loads fine):
    # monkey_patch and monkey_patch_modules (masakari runs on native threads
    # and never monkey patches), fatal_exception_format_errors (a message
    # template that cannot be filled is shown as it is, never failing the
    # request).
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(base_opts)


def list_opts() -> dict:
    return {'DEFAULT': base_opts}
