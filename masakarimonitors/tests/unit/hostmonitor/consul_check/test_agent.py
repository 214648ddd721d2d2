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

from masakarimonitors.hostmonitor.consul_check import agent


@pytest.mark.parametrize("address,expected", [
    ("10.0.0.1", ("10.0.0.1", 8500)),
    ("10.0.0.1:8600", ("10.0.0.1", 8600)),
    ("consul.example", ("consul.example", 8500)),
    ("[fd00::1]:8600", ("fd00::1", 8600)),
    ("[fd00::1]", ("fd00::1", 8500)),
    ("fd00::1", ("fd00::1", 8500)),
])
def test_split_address(address, expected):
    assert agent.split_address(address) == expected


def test_ipv6_url():
    assert agent.Agent("[fd00::1]:8600").base == "http://[fd00::1]:8600"


@pytest.mark.parametrize("address", ["", ":8500", "[]:1"])
def test_bad_address(address):
    with pytest.raises(ValueError):
        agent.split_address(address)
