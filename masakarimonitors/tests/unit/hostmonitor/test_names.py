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

import pytest

from masakarimonitors.hostmonitor import names


@pytest.mark.parametrize("candidate,matches", [
    ("compute1", True), ("COMPUTE1", True),
    ("compute1.example.org", True),     # FQDN in the cluster, short here
    ("compute1.other.org", True),
    ("compute10", False), ("", False), (None, False),
])
def test_short_and_long_names_match(candidate, matches):
    assert names.SelfNames(["compute1", None]).matches(candidate) is matches


def test_fqdn_configured_matches_short_cluster_name():
    assert names.SelfNames(["node-a.example.org"]).matches("node-a")


def test_from_conf_uses_hostname_option_and_system_name(monkeypatch):
    class Conf:
        hostname = "configured"

    monkeypatch.setattr(names.socket, "gethostname", lambda: "system")
    self_names = names.SelfNames.from_conf(Conf())
    assert self_names.matches("configured") and self_names.matches("system")
