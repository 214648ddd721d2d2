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

"""The IPMI power check with the real ipmitool (no BMC answers on
127.0.0.1, so the check must end unconfirmed within its timeout)."""

import pytest

from masakarimonitors.hostmonitor import commands
from masakarimonitors.hostmonitor.host_handler import fencing
from masakarimonitors.tests.functional.hostmonitor import conftest

pytestmark = pytest.mark.functional

PASSWORD = "Very-S3cret"
CIB = (
    '<cib><configuration><resources>'
    '<primitive id="f" class="stonith" type="external/ipmi">'
    '<instance_attributes id="a">'
    '<nvpair id="1" name="hostname" value="node2"/>'
    '<nvpair id="2" name="ipaddr" value="127.0.0.1"/>'
    '<nvpair id="3" name="userid" value="admin"/>'
    f'<nvpair id="4" name="passwd" value="{PASSWORD}"/>'
    '<nvpair id="5" name="interface" value="lanplus"/>'
    '</instance_attributes></primitive></resources></configuration></cib>')


@pytest.mark.parametrize("use_file", [False, True])
def test_unreachable_bmc_is_not_confirmed_and_password_stays_hidden(
        tmp_path, use_file):
    conftest.require_tools("ipmitool")
    results = []
    password_file = None
    if use_file:
        password_file = tmp_path / "ipmi.pw"
        password_file.write_text(PASSWORD)
        password_file.chmod(0o600)

    def runner(argv, *, root=False, env=None, timeout=30.0):
        if argv[0] == "cibadmin":
            return commands.Result(0, CIB, "")
        assert PASSWORD not in " ".join(argv)
        result = commands.run(argv, root=root, env=env, timeout=timeout)
        results.append(result)
        return result

    oracle = fencing.FenceOracle(
        runner, ipmi_timeout=2,
        password_file=str(password_file) if password_file else None)
    assert oracle.power_off("node2") is None    # not confirmed off
    result, = results
    # ipmitool got the password (it did not stop to ask for it) and then
    # found no BMC: cut off by the timeout or failed.
    assert "password" not in result.stderr.lower()
    assert not result.ok
