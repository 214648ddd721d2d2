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

"""The shipped sample fence device file is a valid configuration."""

import os

from masakari.engine.fencing import config

SAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..",
                      "..", "etc", "masakari", "fencing.yaml.sample")


def test_sample_loads():
    loaded = config.load(SAMPLE)
    assert [d["driver"] for d in loaded.devices_for("compute1")] == [
        "redfish", "fence_agent"]
    assert [d["driver"] for d in loaded.devices_for("compute9")] == [
        "kdump", "ipmi"]
    assert loaded.devices_for("compute9")[1]["address"] == \
        "compute9-ipmi.example.com"
    assert loaded.devices_for("compute2")[0]["machine"] == "compute2"
