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

from masakarimonitors.hostmonitor.host_handler import crm_mon
from masakarimonitors.tests.unit.hostmonitor import fakes
from masakarimonitors.tests.unit.hostmonitor.fakes import N


def test_members_and_remotes_are_parsed_together():
    view = crm_mon.parse(fakes.crm_mon_xml(
        N("node1"), N("node2", online=False, unclean=True),
        N("remote1", kind="remote"), N("pingd", kind="ping")))
    assert view.quorum and view.dc == "node1"
    assert [(n.name, n.kind) for n in view.nodes] == [
        ("node1", "member"), ("node2", "member"), ("remote1", "remote"),
        ("pingd", "ping")]
    node2 = view.node("node2")
    assert node2.unclean and not node2.online


@pytest.mark.parametrize("flag", ["standby", "maintenance", "shutdown"])
def test_planned_flags(flag):
    view = crm_mon.parse(fakes.crm_mon_xml(N("node2", **{flag: True})))
    assert getattr(view.node("node2"), flag) is True


def test_legacy_format_parses_the_same():
    nodes = (N("node1"), N("remote1", kind="remote", online=False))
    assert crm_mon.parse(fakes.crm_mon_xml(*nodes, legacy=True)) == crm_mon.parse(fakes.crm_mon_xml(*nodes))


@pytest.mark.parametrize("kwargs", [{"quorum": False}, {"dc": None}])
def test_no_quorum_or_no_dc_means_no_quorum(kwargs):
    assert not crm_mon.parse(fakes.crm_mon_xml(N("node1"), **kwargs)).quorum


def test_cluster_maintenance_mode():
    view = crm_mon.parse(fakes.crm_mon_xml(N("node1"), maintenance_mode=True))
    assert view.maintenance_mode


@pytest.mark.parametrize("text", [
    "not xml",
    '<pacemaker-result><status code="102" message="Not connected"/>'
    '</pacemaker-result>',
    "<pacemaker-result><summary/></pacemaker-result>",
])
def test_unusable_output_raises_status_error(text):
    with pytest.raises(crm_mon.StatusError):
        crm_mon.parse(text)


def test_reader_uses_current_format_as_root():
    runner = fakes.ScriptedRunner()
    runner.set(("crm_mon", "--output-as=xml"), fakes.crm_mon_xml(N("node1")))
    view = crm_mon.CrmMon(runner).read()
    assert view.node("node1").online
    argv, kw = runner.calls[0]
    assert argv == crm_mon.CURRENT_CMD and kw["root"] is True


def test_reader_falls_back_to_legacy_switch_once():
    runner = fakes.ScriptedRunner()
    runner.set(("crm_mon", "--output-as=xml"), rc=64,
               stderr="crm_mon: unrecognized option '--output-as=xml'")
    runner.set(("crm_mon", "-X"), fakes.crm_mon_xml(N("node1"), legacy=True))
    reader = crm_mon.CrmMon(runner)
    reader.read()
    reader.read()
    assert [c[0][1] for c in runner.calls] == ["--output-as=xml", "-X", "-X"]


def test_reader_reports_not_connected_without_fallback():
    runner = fakes.ScriptedRunner()
    runner.set(("crm_mon", "--output-as=xml"), rc=102, stdout=(
        '<pacemaker-result><status code="102" message="Not connected"/>'
        '</pacemaker-result>'))
    with pytest.raises(crm_mon.StatusError, match="Not connected"):
        crm_mon.CrmMon(runner).read()
    assert len(runner.calls) == 1
