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
    cfg.BoolOpt('monkey_patch',
                default=False,
                help='Accepted for compatibility and ignored: masakari runs '
                     'on native threads and never monkey patches.'),
    cfg.ListOpt('monkey_patch_modules',
                default=['masakari.api:masakari.cmd'],
                help='Accepted for compatibility and ignored (see '
                     'monkey_patch).'),
    # Kept so configuration files written for upstream masakari still
    # load; nothing reads it: an error message whose template cannot be
    # filled shows the template instead and never fails the request.
    cfg.BoolOpt('fatal_exception_format_errors',
                default=False,
                help='Accepted for compatibility and ignored: a message '
                     'template that cannot be filled is shown as it is.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(base_opts)


def list_opts() -> dict:
    return {'DEFAULT': base_opts}
