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

"""The masakari-monitors charm's pure parts: credentials and rendering."""

import configparser
import pathlib
import re

import yaml
from masakarimonitors import conf as monitors_conf
from masakarimonitors.processmonitor import process_list as mm_process_list

from masakari_monitors_charm import render

REPO = pathlib.Path(__file__).resolve().parents[5]
CONFIG = {"debug": False, "monitoring-interval": 60,
          "restrict-to-remotes": False, "disable-ipmi-check": True,
          "corosync-multicast-interfaces": "eth0,eth1",
          "corosync-multicast-ports": "5405,5406",
          "libvirt-uri": "qemu:///system", "api-interface": "internal",
          "pacemaker-node-type": "cluster", "region": ""}
CREDS = render.Credentials(auth_url="http://ks:5000/v3", username="u",
                           password="p", project="pr", project_domain="pd",
                           user_domain="ud", region="R9")


def _parse(text):
    parser = configparser.RawConfigParser(default_section="__none__")
    parser.read_string(text)
    return parser


def test_every_rendered_option_is_a_monitors_option():
    known, group = set(), None
    sample = REPO / "etc" / "masakarimonitors" / "masakarimonitors.conf.sample"
    for line in sample.read_text().splitlines():
        if m := re.match(r"^\[(\w+)\]$", line):
            group = m.group(1)
        elif m := re.match(r"^#(\w+) =", line):
            known.add((group, m.group(1)))
    parsed = _parse(render.monitors_conf(CONFIG, CREDS, False))
    rendered = {(g, o) for g in parsed.sections() for o in parsed[g]}
    assert len(rendered) > 15
    assert rendered <= known, rendered - known


def test_node_type_and_lists():
    parsed = _parse(render.monitors_conf(CONFIG, CREDS, False))
    assert parsed["host"]["pacemaker_node_type"] == "cluster"
    assert parsed["host"]["corosync_multicast_ports"] == "5405,5406"
    assert parsed["api"]["region"] == "R9"
    remote = _parse(render.monitors_conf(
        {**CONFIG, "corosync-multicast-interfaces": "", "region": "R2"},
        CREDS, True))
    assert remote["host"]["pacemaker_node_type"] == "remote"
    assert "corosync_multicast_interfaces" not in remote["host"]
    assert remote["api"]["region"] == "R2"


def test_default_process_list_is_accepted_by_the_processmonitor():
    text = render.process_list("")
    entries = mm_process_list.parse(yaml.safe_load(text))
    assert [e.process_name for e in entries] == ["/usr/sbin/libvirtd",
                                                 "nova-compute"]
    assert all(e.run_as_root for e in entries)


def test_parse_credentials():
    data = {k: "x" for k in render.CREDENTIAL_KEYS}
    creds = render.parse_credentials([{}, data])
    assert creds.auth_url == "http://x:x/v3"
    assert (creds.project_domain, creds.user_domain, creds.region) == (
        "service_domain", "service_domain", "RegionOne")
    assert render.parse_credentials([{**data, "credentials_host": ""}]) \
        is None


def test_enabled_keeps_a_fixed_order():
    assert render.enabled({"process-monitor": True,
                           "host-monitor": True}) == [
        "masakari-hostmonitor", "masakari-processmonitor"]


def test_units_are_deploy_systemds():
    units = render.units()
    assert len(units) == 4
    for path, content in units.items():
        name = pathlib.PurePath(path).name
        assert content == (REPO / "deploy" / "systemd" / name).read_text(), (
            f"cp deploy/systemd/{name} {render.UNIT_DIR}/")
        assert "/opt/masakari/venv/bin/" in content


def test_monitors_read_the_rendered_file(tmp_path):
    path = tmp_path / "masakarimonitors.conf"
    path.write_text(render.monitors_conf(
        {**CONFIG, "restrict-to-remotes": True}, CREDS, True))
    conf = monitors_conf.new_config()
    conf(args=["--config-file", str(path)], project="masakarimonitors",
         default_config_files=[], default_config_dirs=[])
    assert conf.host.pacemaker_node_type == "remote"
    assert conf.host.restrict_to_remotes is True
    assert conf.host.disable_ipmi_check is True
    assert conf.host.corosync_multicast_interfaces == ["eth0", "eth1"]
    assert conf.host.corosync_multicast_ports == [5405, 5406]
    assert conf.host.monitoring_interval == 60
    assert conf.api.api_interface == "internal"
    assert conf.api.region == "R9"
    assert conf.process.process_list_path == render.PROCESS_LIST
    assert conf.libvirt.connection_uri == "qemu:///system"
