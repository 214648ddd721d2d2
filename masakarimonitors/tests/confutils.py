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

"""Build a private, fully registered ConfigOpts for a test."""

import os

from oslo_config import cfg

from masakarimonitors import conf as conf_pkg


def make_conf(tmp_path, endpoint: str | None = None,
              sections: dict | None = None) -> cfg.ConfigOpts:
    """A fresh ConfigOpts parsed from a generated config file.

    ``endpoint`` points ``[api]`` at a no-auth masakari endpoint.
    ``sections`` maps group name to {option: value}.
    """
    sections = {k: dict(v) for k, v in (sections or {}).items()}
    if endpoint:
        api = sections.setdefault("api", {})
        api.setdefault("auth_type", "none")
        api.setdefault("endpoint", endpoint)
    default = sections.setdefault("DEFAULT", {})
    default.setdefault("state_path", str(tmp_path / "state"))
    lines = []
    for group, values in sections.items():
        lines.append(f"[{group}]")
        lines += [f"{key} = {value}" for key, value in values.items()]
    path = os.path.join(str(tmp_path), "masakarimonitors-test.conf")
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    conf = conf_pkg.register_all(cfg.ConfigOpts())
    conf(["--config-file", path], project="masakarimonitors",
         default_config_files=[], default_config_dirs=[])
    return conf
