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
from oslo_config import cfg

from masakarimonitors.conf import consul as consul_conf
from masakarimonitors.conf import host as host_conf
from masakarimonitors.conf import kubernetes as kubernetes_conf
from masakarimonitors.tests.unit.hostmonitor import fakes

DOCUMENTED_HOST_DEFAULTS = {
    "monitoring_driver": "default", "monitoring_interval": 60,
    "monitoring_samples": 1, "api_retry_max": 12, "api_retry_interval": 10,
    "disable_ipmi_check": False, "restrict_to_remotes": False,
    "ipmi_timeout": 5, "ipmi_retry_max": 3, "ipmi_retry_interval": 10,
    "stonith_wait": 30, "tcpdump_timeout": 5,
    "corosync_multicast_interfaces": None,
    "corosync_multicast_ports": None, "pacemaker_node_type": "autodetect",
}


def test_documented_defaults():
    conf = fakes.make_conf()
    for name, default in DOCUMENTED_HOST_DEFAULTS.items():
        assert conf.host[name] == default, name
    assert conf.consul.agent_manage is None
    assert conf.consul.matrix_config_file is None
    assert conf.kubernetes.monitoring_node_labels == ""


def test_every_option_has_help():
    for module in (host_conf, consul_conf, kubernetes_conf):
        for opts in module.list_opts().values():
            for opt in opts:
                assert opt.help, opt.name


@pytest.mark.parametrize("name,value", [
    ("monitoring_samples", 0), ("monitoring_interval", 0),
    ("pacemaker_node_type", "guest"), ("reporting", "some"),
])
def test_invalid_values_are_rejected(name, value):
    conf = fakes.make_conf()
    with pytest.raises(ValueError):
        conf.set_override(name, value, "host")


def test_ports_are_validated(tmp_path):
    path = tmp_path / "m.conf"
    path.write_text("[host]\ncorosync_multicast_ports = 5405,70000\n")
    conf = fakes.make_conf(config_file=str(path))
    with pytest.raises(cfg.ConfigFileValueError):
        conf.host.corosync_multicast_ports


def test_two_config_objects_do_not_share_overrides():
    a = fakes.make_conf()
    b = fakes.make_conf()
    a.set_override("monitoring_interval", 5, "host")
    assert b.host.monitoring_interval == 60
