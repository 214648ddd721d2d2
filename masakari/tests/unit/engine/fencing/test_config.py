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

import textwrap

import pytest

from masakari.engine.fencing import base
from masakari.engine.fencing import common
from masakari.engine.fencing import config

GOOD = """
default:
  - driver: ipmi
    address: "{host}-ipmi.example.com"
    username: admin
    password_file: /etc/masakari/fencing/ipmi.pw
    timeout: 30
hosts:
  compute1:
    - driver: fence_agent
      agent: fence_ipmilan
      options: {ip: "{host}.bmc", ipport: 6230, username: admin, lanplus: "1"}
      password_env: C1_PW
    - driver: ipmi
      address: 127.0.0.1
      password_env: C1_PW
  compute2: []
"""


def write(tmp_path, text):
    path = tmp_path / "fencing.yaml"
    path.write_text(textwrap.dedent(text))
    return str(path)


def load_error(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(base.FencingConfigError) as info:
        config.load(path)
    message = str(info.value)
    assert path in message
    return message


def test_default_and_per_host_devices_with_host_substituted(tmp_path):
    conf = config.load(write(tmp_path, GOOD))

    other = conf.devices_for("compute9")
    assert [d["driver"] for d in other] == ["ipmi"]
    assert other[0]["address"] == "compute9-ipmi.example.com"
    assert other[0]["timeout"] == 30

    c1 = conf.devices_for("compute1")
    assert [d["driver"] for d in c1] == ["fence_agent", "ipmi"]
    assert c1[0]["options"]["ip"] == "compute1.bmc"
    assert c1[0]["options"]["ipport"] == 6230

    assert conf.devices_for("compute2") == []
    assert not conf.has_devices("compute2")
    assert conf.has_devices("compute1") and conf.has_devices("x")


def test_devices_for_returns_copies(tmp_path):
    conf = config.load(write(tmp_path, GOOD))
    conf.devices_for("compute1")[0]["options"]["ip"] = "changed"
    assert conf.devices_for("compute1")[0]["options"]["ip"] == "compute1.bmc"
    assert conf.default[0]["address"] == "{host}-ipmi.example.com"


def test_empty_file_has_no_devices(tmp_path):
    conf = config.load(write(tmp_path, ""))
    assert conf.devices_for("h") == [] and not conf.has_devices("h")


def test_hosts_only_has_no_default(tmp_path):
    conf = config.load(write(tmp_path, """
        hosts:
          c1: [{driver: ipmi, address: a, password_env: P}]
    """))
    assert conf.devices_for("c2") == []
    assert conf.devices_for("c1")[0]["address"] == "a"


def test_missing_file(tmp_path):
    path = str(tmp_path / "absent.yaml")
    with pytest.raises(base.FencingConfigError, match="cannot read"):
        config.load(path)


def test_invalid_yaml_names_line_but_not_content(tmp_path):
    message = load_error(tmp_path, "default:\n  - password: s3cr3t: [\n")
    assert "line" in message
    assert "s3cr3t" not in message


@pytest.mark.parametrize("text, expected", [
    ("- 1\n", "must be a mapping"),
    ("defaults: []\n", "unknown top-level key(s): defaults"),
    ("default: {driver: ipmi}\n", "default: must be a list"),
    ("hosts: [a]\n", "'hosts' must be a mapping"),
    ("hosts: {1: []}\n", "host name 1 must be a string"),
    ("hosts: {c1: {driver: ipmi}}\n", "hosts.c1: must be a list"),
    ("default: [ipmi]\n", "default device 1: must be a mapping"),
    ("default: [{address: a}]\n", "key 'driver' is required"),
    ("default: [{driver: telnet}]\n", "unknown driver 'telnet'"),
])
def test_structure_errors(tmp_path, text, expected):
    assert expected in load_error(tmp_path, text)


def test_error_names_host_device_index_and_key(tmp_path):
    message = load_error(tmp_path, """
        hosts:
          compute1:
            - {driver: ipmi, address: a, password_env: P}
            - {driver: ipmi, password_env: P}
    """)
    assert "hosts.compute1 device 2 (ipmi)" in message
    assert "key 'address' is required" in message


@pytest.mark.parametrize("device, expected", [
    ("{driver: ipmi, address: a, password: x}",
     "key 'password' is not allowed: give the secret in a file"),
    ("{driver: ipmi, address: a, password_file: f, password_env: E}",
     "mutually exclusive"),
    ("{driver: ipmi, address: a, timeout: abc}",
     "key 'timeout' must be a number"),
    ("{driver: ipmi, address: a, timeout: 0}",
     "key 'timeout' must be greater than 0"),
    ("{driver: ipmi, address: a, port: 70000}",
     "key 'port' must be between 1 and 65535"),
    ("{driver: ipmi, address: a, interface: telnet}",
     "key 'interface' must be one of"),
    ("{driver: ipmi, address: 5}", "key 'address' must be a non-empty string"),
    ("{driver: ipmi, address: a, colour: red}", "unknown key(s): colour"),
    ("{driver: fence_agent}", "key 'agent' is required"),
    ("{driver: fence_agent, agent: bin/fence_x}",
     "must be a name on PATH or an absolute path"),
    ("{driver: fence_agent, agent: fence_x, options: [a]}",
     "key 'options' must be a mapping"),
    ("{driver: fence_agent, agent: fence_x, options: {password: x}}",
     "key 'options.password' is a secret"),
    ("{driver: fence_agent, agent: fence_x, options: {action: reboot}}",
     "key 'options.action' is set by masakari"),
    ("{driver: fence_agent, agent: fence_x, options: {lanplus: true}}",
     "must be a string or a number"),
    ("{driver: fence_agent, agent: fence_x, options: {ip: \"a\\nb\"}}",
     "must be a single line"),
])
def test_device_errors(tmp_path, device, expected):
    message = load_error(tmp_path, f"default:\n  - {device}\n")
    assert "default device 1" in message
    assert expected in message


def test_password_file_is_read_at_use_time(tmp_path):
    secret_file = tmp_path / "pw"
    secret = common.Secret(file=str(secret_file))
    with pytest.raises(common.SecretError) as info:
        secret.read()
    assert str(secret_file) in str(info.value)
    secret_file.write_text("first\n")
    assert secret.read() == "first"
    secret_file.write_text("second")
    assert secret.read() == "second"


def test_password_env_is_read_at_use_time(monkeypatch):
    secret = common.Secret(env="FENCE_TEST_PW")
    monkeypatch.delenv("FENCE_TEST_PW", raising=False)
    with pytest.raises(common.SecretError, match="FENCE_TEST_PW is not set"):
        secret.read()
    monkeypatch.setenv("FENCE_TEST_PW", "value")
    assert secret.read() == "value"


def test_every_driver_loads(tmp_path):
    conf = config.load(write(tmp_path, """
        hosts:
          compute1:
            - driver: redfish
              address: https://127.0.0.1:8000
              system_id: /redfish/v1/Systems/abc
              username: admin
              password_env: COMPUTE1_BMC_PASSWORD
              verify: false
              timeout: 60
            - driver: fence_agent
              agent: fence_ipmilan
              options: {ip: 127.0.0.1, ipport: "6230", lanplus: "1"}
              password_file: /etc/masakari/fencing/c1.pw
            - driver: maas
              url: http://maas.example.com:5240/MAAS
              api_key_file: /etc/masakari/fencing/maas.key
            - driver: kdump
              addresses: [192.0.2.10]
              max_age: 30
              timeout: 20
            - driver: ipmi
              address: "{host}-ipmi"
              password_env: P
    """))
    drivers = [d["driver"] for d in conf.devices_for("compute1")]
    assert drivers == ["redfish", "fence_agent", "maas", "kdump", "ipmi"]
    assert conf.devices_for("compute1")[4]["address"] == "compute1-ipmi"
    assert config.device_timeout(conf.devices_for("compute1")[3]) == 20
    assert config.device_timeout(conf.devices_for("compute1")[1]) == 60


def test_literal_maas_api_key_rejected(tmp_path):
    message = load_error(tmp_path, """
        default:
          - {driver: maas, url: "http://m/MAAS", api_key: "a:b:c"}
    """)
    assert "key 'api_key' is not allowed" in message
    assert "a:b:c" not in message
