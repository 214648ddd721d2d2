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

"""masakari-engine refuses to start on a bad custom workflow."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.functional


def test_unknown_task_stops_the_engine_at_start(tmp_path):
    conf = tmp_path / "masakari.conf"
    conf.write_text("[taskflow_driver_recovery_flows]\n"
                    "host_auto_failure_recovery_tasks = "
                    "pre:['disable_compute_service_task','nope'],main:[],post:[]\n")
    engine = os.path.join(os.path.dirname(sys.executable), "masakari-engine")
    result = subprocess.run([engine, "--config-file", str(conf)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "host_auto_failure_recovery_tasks" in result.stderr
    assert "nope" in result.stderr
