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

"""Command line and configuration file parsing, identical for every daemon."""

from importlib import metadata
import os

from oslo_config import cfg
from oslo_log import log as logging

from masakarimonitors import version

PROJECT = "masakarimonitors"
KEYSTONEAUTH_PLUGINS = "keystoneauth1.plugin"

# One of oslo.log's options: present once its options are registered.
_LOG_OPTION_PROBE = "log_config_append"


def parse_args(argv: list, conf: cfg.ConfigOpts,
               default_config_files: list | None = None) -> cfg.ConfigOpts:
    """Parse ``argv`` (argv[0] is the program) and set up logging.

    Config files are searched the oslo.config way for the project
    ``masakarimonitors`` (``masakarimonitors.conf`` and ``<prog>.conf``).
    """
    if _LOG_OPTION_PROBE not in conf:
        logging.register_options(conf)
    prog = os.path.basename(argv[0]) if argv else None
    conf(argv[1:], project=PROJECT, prog=prog,
         version=version.version_string(),
         default_config_files=default_config_files)
    validate(conf)
    logging.setup(conf, PROJECT)
    _sync_global_conf(conf)
    return conf


class ConfigValueError(ValueError):
    """An option value in a configuration file is not valid."""


def _value(conf, group: str | None, name: str):
    """Read (and so convert) one option; a bad value -> ConfigValueError."""
    try:
        return conf[name] if group is None else conf[group][name]
    except (cfg.ConfigFileValueError, ValueError) as exc:
        reason = str(exc).split(" is not valid: ", 1)[-1]
        raise ConfigValueError(
            f"invalid value for [{group or 'DEFAULT'}] {name}: {reason}"
        ) from None


def _check_auth_type(conf: cfg.ConfigOpts) -> None:
    # keystoneauth registers the plugin's options only when it is loaded,
    # so an unknown plugin would otherwise surface at the first send. The
    # entry point names are read without importing any plugin.
    auth_type = conf.api.auth_type
    if not auth_type:
        return
    names = {ep.name for ep in metadata.entry_points(
        group=KEYSTONEAUTH_PLUGINS)}
    if auth_type not in names:
        raise ConfigValueError(
            f"invalid value for [api] auth_type: no keystoneauth plugin "
            f"named {auth_type!r}")


def validate(conf: cfg.ConfigOpts) -> None:
    """Convert every registered option once so a bad value is reported at
    start-up as one clear error instead of a traceback in a later cycle.

    Raises ConfigValueError naming the group, option and problem.
    """
    for name in list(conf):
        value = _value(conf, None, name)
        if isinstance(value, cfg.ConfigOpts.GroupAttr):
            for opt_name in list(value):
                _value(conf, name, opt_name)
    _check_auth_type(conf)


def _sync_global_conf(conf: cfg.ConfigOpts) -> None:
    """Let oslo.privsep (which reads the global CONF) see our files."""
    args = []
    for path in conf.config_file or []:
        args += ["--config-file", path]
    for path in conf.config_dir or []:
        args += ["--config-dir", path]
    try:
        cfg.CONF(args, project=PROJECT, default_config_files=[],
                 default_config_dirs=[])
    except cfg.Error:
        # The global object may already be parsed by an embedding program.
        pass
