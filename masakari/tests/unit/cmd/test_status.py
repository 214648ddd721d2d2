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
from masakari.cmd import status


def test_the_one_check_is_the_policy_file_check():
    names = [name for name, _ in status.Checks._upgrade_checks]
    assert names == ["Policy File JSON to YAML Migration"]


def test_policy_check_result(tmp_path):
    from oslo_config import cfg
    from oslo_upgradecheck import common_checks
    from oslo_upgradecheck import upgradecheck

    policy = tmp_path / "policy.json"
    policy.write_text('{"a": "b"}')
    conf = cfg.ConfigOpts()
    conf([], default_config_files=[])
    check = dict(status.Checks._upgrade_checks)[
        "Policy File JSON to YAML Migration"]
    assert check[0] is common_checks.check_policy_json
    result = check[0](status.Checks(), conf)
    assert result.code == upgradecheck.Code.SUCCESS
    conf.set_override("policy_file", str(policy), group="oslo_policy")
    result = check[0](status.Checks(), conf)
    assert result.code == upgradecheck.Code.FAILURE
