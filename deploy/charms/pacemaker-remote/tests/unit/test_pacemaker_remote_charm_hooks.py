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

"""State-transition tests of the pacemaker-remote charm."""

import base64
import stat

import pytest
from ops import testing

from pacemaker_remote_charm import remote

KEY = bytes(range(64))
B64 = base64.b64encode(KEY).decode()
OTHER = base64.b64encode(bytes(range(1, 65))).decode()


@pytest.fixture(autouse=True)
def hostname(host):
    host.write("/etc/hostname", "compute-7\n", 0o644)


def state(*extra, config=None, running=False, installed=True):
    stored = testing.StoredState(
        owner_path="PacemakerRemoteCharm",
        content={"installed": installed, "running": running})
    return testing.State(
        relations=[testing.SubordinateRelation(
            "juju-info", remote_app_name="nova-compute"), *extra],
        config=config or {}, stored_states=[stored])


def cluster(**unit_data):
    return testing.Relation("pacemaker-remote", remote_app_name="hacluster",
                            remote_units_data={0: unit_data})


def test_install_waits_for_a_key(ctx, recorder):
    out = ctx.run(ctx.on.install(), state(installed=False))
    assert recorder.calls == [("apt-get", "install", "-y",
                               "--no-install-recommends", "pacemaker-remote",
                               "resource-agents")]
    assert out.unit_status == testing.BlockedStatus(
        "Relate to hacluster or set the authkey option")


def test_install_failure_blocks_and_retries(ctx, recorder):
    recorder.failing.append(("apt-get",))
    out = ctx.run(ctx.on.install(), state(installed=False))
    assert out.unit_status == testing.BlockedStatus(
        "Installing pacemaker-remote failed (see juju debug-log)")
    recorder.failing.clear()
    out = ctx.run(ctx.on.update_status(), testing.State(
        stored_states=out.stored_states, config={"authkey": B64}))
    assert len(recorder.ran("apt-get")) == 2
    assert out.unit_status.name == "active"


def test_upgrade_reinstalls(ctx, recorder):
    ctx.run(ctx.on.upgrade_charm(), state())
    assert recorder.ran("apt-get", "install")


def test_authkey_option_starts_the_service(ctx, host, recorder):
    out = ctx.run(ctx.on.config_changed(), state(config={"authkey": B64}))
    assert host.path(remote.AUTHKEY).read_bytes() == KEY
    assert stat.S_IMODE(host.path(remote.AUTHKEY).stat().st_mode) == 0o440
    assert ("chown", "root:haclient",
            str(host.path(remote.AUTHKEY))) in recorder.calls
    assert host.path(remote.DEFAULTS).read_text().endswith(
        "PCMK_remote_port=3121\n")
    assert ("systemctl", "enable", "--now",
            "pacemaker_remote") in recorder.calls
    assert out.unit_status == testing.ActiveStatus(
        "pacemaker_remote on port 3121")


@pytest.mark.parametrize("value, message", [
    ("not base64!", "the authkey option is not valid base64"),
    (base64.b64encode(b"short").decode(),
     "the authkey option is shorter than 16 bytes"),
])
def test_bad_authkey_blocks(ctx, host, recorder, value, message):
    out = ctx.run(ctx.on.config_changed(), state(config={"authkey": value}))
    assert out.unit_status == testing.BlockedStatus(message)
    assert not host.path(remote.AUTHKEY).exists()
    assert not recorder.ran("systemctl")


def test_cluster_joined_announces_the_node(ctx, recorder):
    rel = cluster()
    out = ctx.run(ctx.on.relation_joined(rel, remote_unit=0), state(
        rel, config={"stonith-hostname": "ipmi-7"}))
    assert out.get_relation(rel.id).local_unit_data == {
        **rel.local_unit_data, "remote-hostname": "compute-7",
        "remote-ip": "192.0.2.0", "stonith-hostname": "ipmi-7"}
    assert out.unit_status == testing.BlockedStatus(
        "Relate to hacluster or set the authkey option")


def test_stonith_hostname_defaults_to_host_name(ctx):
    rel = cluster()
    out = ctx.run(ctx.on.relation_joined(rel, remote_unit=0), state(rel))
    assert out.get_relation(rel.id).local_unit_data[
        "stonith-hostname"] == "compute-7"


@pytest.mark.parametrize("where", ["unit", "app"])
def test_key_from_hacluster(ctx, host, recorder, where):
    if where == "unit":
        rel = cluster(**{"pacemaker-key": B64})
    else:
        rel = testing.Relation("pacemaker-remote",
                               remote_app_name="hacluster",
                               remote_app_data={"pacemaker-key": B64})
    out = ctx.run(ctx.on.relation_changed(rel, remote_unit=0), state(rel))
    assert host.path(remote.AUTHKEY).read_bytes() == KEY
    assert out.unit_status == testing.ActiveStatus(
        "pacemaker_remote on port 3121 for hacluster")


def test_option_wins_over_hacluster_key(ctx, host):
    rel = cluster(**{"pacemaker-key": OTHER})
    ctx.run(ctx.on.relation_changed(rel, remote_unit=0),
            state(rel, config={"authkey": B64}))
    assert host.path(remote.AUTHKEY).read_bytes() == KEY


def test_key_rotation_restarts(ctx, host, recorder):
    rel = cluster(**{"pacemaker-key": B64})
    ctx.run(ctx.on.relation_changed(rel, remote_unit=0), state(rel))
    recorder.calls.clear()
    rotated = cluster(**{"pacemaker-key": OTHER})
    ctx.run(ctx.on.relation_changed(rotated, remote_unit=0),
            state(rotated, running=True))
    assert host.path(remote.AUTHKEY).read_bytes() == bytes(range(1, 65))
    assert ("systemctl", "restart", "pacemaker_remote") in recorder.calls


def test_unchanged_does_nothing(ctx, recorder):
    ctx.run(ctx.on.config_changed(), state(config={"authkey": B64}))
    recorder.calls.clear()
    out = ctx.run(ctx.on.update_status(),
                  state(config={"authkey": B64}, running=True))
    assert recorder.calls == []
    assert out.unit_status.name == "active"


def test_port_change_restarts(ctx, host, recorder):
    ctx.run(ctx.on.config_changed(), state(config={"authkey": B64}))
    recorder.calls.clear()
    out = ctx.run(ctx.on.config_changed(), state(
        config={"authkey": B64, "remote-port": 3200}, running=True))
    assert "PCMK_remote_port=3200" in host.path(remote.DEFAULTS).read_text()
    assert recorder.calls == [("systemctl", "restart", "pacemaker_remote")]
    assert out.unit_status.message == "pacemaker_remote on port 3200"


def test_cluster_broken_stops_and_forgets_the_key(ctx, host, recorder):
    rel = cluster(**{"pacemaker-key": B64})
    ctx.run(ctx.on.relation_changed(rel, remote_unit=0), state(rel))
    recorder.calls.clear()
    out = ctx.run(ctx.on.relation_broken(rel), state(rel, running=True))
    assert recorder.calls == [("systemctl", "disable", "--now",
                               "pacemaker_remote")]
    assert not host.path(remote.AUTHKEY).exists()
    assert out.unit_status == testing.BlockedStatus(
        "Relate to hacluster or set the authkey option")


def test_node_type_tells_the_monitors(ctx):
    rel = testing.SubordinateRelation("node-type",
                                      remote_app_name="masakari-monitors")
    out = ctx.run(ctx.on.relation_joined(rel), state(rel))
    assert out.get_relation(rel.id).local_unit_data["node-type"] == "remote"


def test_stop_disables(ctx, recorder):
    ctx.run(ctx.on.stop(), state(running=True))
    assert recorder.calls == [("systemctl", "disable", "--now",
                               "pacemaker_remote")]
