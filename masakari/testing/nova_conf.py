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

"""Point a masakari configuration at a cloud simulator's Keystone/Nova."""

from __future__ import annotations

from typing import Any


def use_simulator(conf: Any, sim: Any) -> None:
    """Set the privileged Nova user options to ``sim``'s credentials.

    ``sim``: anything with ``credentials`` (auth_url, username, password,
    project_name) and ``region``, as CloudSimulator has.
    """
    creds = sim.credentials
    conf.set_override("os_privileged_user_auth_url", creds["auth_url"])
    conf.set_override("os_privileged_user_name", creds["username"])
    conf.set_override("os_privileged_user_password", creds["password"])
    conf.set_override("os_privileged_user_tenant", creds["project_name"])
    conf.set_override("os_region_name", sim.region)
