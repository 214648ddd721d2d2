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

"""The pure planning rules over given facts."""

import pytest

from masakari.engine.policy import plan
from masakari.engine.policy import selection
from masakari.engine.policy.settings import Settings

SMALL = {"vcpus": 1, "ram": 2048, "disk": 20}


def server(sid, meta=None, flavor=SMALL, vm_state="active"):
    return {"id": sid, "name": sid, "metadata": dict(meta or {}),
            "flavor": dict(flavor), "OS-EXT-STS:vm_state": vm_state}


def hypervisor(name, ram=4096, ram_used=0):
    return {"service": {"host": name}, "vcpus": 8, "vcpus_used": 0,
            "memory_mb": ram, "memory_mb_used": ram_used,
            "local_gb": 100, "local_gb_used": 0}


@pytest.mark.parametrize("raw,expected", [
    ("1", 1), ("1000", 1000), (" 42 ", 42), ("0", 500), ("1001", 500),
    ("high", 500), (None, 500)])
def test_priority_of(raw, expected):
    meta = {} if raw is None else {"masakari:restart_priority": raw}
    assert selection.priority_of({"metadata": meta}) == expected


def test_upstream_order_without_policies():
    servers = [server("a"), server("b", {"HA_Enabled": "yes"}),
               server("c", vm_state="error")]
    entries = plan.build(plan.Facts("h1", servers), Settings()).entries
    assert [(e.server_id, e.evacuate) for e in entries] == [
        ("b", True), ("a", True), ("c", True)]
    only_ha = Settings(evacuate_all=False, ignore_error=True)
    entries = plan.build(plan.Facts("h1", servers), only_ha).entries
    assert [(e.server_id, e.reason_kind) for e in entries] == [
        ("b", None), ("a", selection.NOT_HA),
        ("c", selection.ERROR_STATE)]


def test_evacuable_aggregates():
    aggs = [{"hosts": ["h1", "h2"], "metadata": {"ev": "true"}},
            {"hosts": ["h3"], "metadata": {"ev": "false"}}]
    assert selection.evacuable_hosts(aggs, "ev") == {"h1", "h2"}
    assert selection.evacuable_hosts(aggs[1:], "ev") is None
    assert selection.evacuable_hosts(aggs, None) is None


def test_affinity_keeps_members_together():
    servers = [server("a", {"HA_Enabled": "1"}), server("b")]
    facts = plan.Facts(
        "h1", servers, hypervisors=[hypervisor("h2"), hypervisor("h3",
                                                                 ram=8192)],
        groups=[{"policies": ["affinity"], "members": ["a", "b", "c"]}],
        member_hosts={"c": "h2"}, targets=["h2", "h3"])
    built = plan.build(facts, Settings(capacity=True))
    assert [(e.server_id, e.target) for e in built.entries] == [
        ("a", "h2"), ("b", "h2")]


def test_allocation_ratio_counts():
    facts = plan.Facts("h1", [server("a"), server("b")],
                       hypervisors=[hypervisor("h2", ram=2048)],
                       targets=["h2"])
    tight = plan.build(facts, Settings(capacity=True)).to_dict()
    assert tight["not_fitting"] == ["b"]
    loose = plan.build(facts, Settings(capacity=True, ram_ratio=2.0))
    assert loose.to_dict()["not_fitting"] == []
