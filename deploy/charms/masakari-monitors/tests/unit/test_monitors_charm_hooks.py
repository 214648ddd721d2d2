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

"""State-transition tests of the masakari-monitors charm."""

import configparser

import pytest
from ops import testing

from masakari_monitors_charm import render

KEYSTONE = {"credentials_host": "10.0.0.5", "credentials_port": "5000",
            "credentials_protocol": "https",
            "credentials_username": "masakari-monitors",
            "credentials_password": "secret",
            "credentials_project": "services",
            "credentials_project_domain_name": "service_domain",
            "credentials_user_domain_name": "service_domain",
            "region": "R1"}
ALL = ("masakari-hostmonitor", "masakari-instancemonitor",
       "masakari-processmonitor")


def principal():
    return testing.SubordinateRelation("juju-info",
                                       remote_app_name="nova-compute")


def state(*extra, keystone=KEYSTONE, config=None, running=None,
          installed="masakari[monitors]"):
    rels = [principal(), *extra]
    if keystone is not None:
        rels.append(testing.Relation("identity-credentials",
                                     remote_units_data={0: keystone}))
    stored = testing.StoredState(
        owner_path="MonitorsCharm",
        content={"installed": installed, "install_failed": False,
                 "running": list(running or [])})
    return testing.State(relations=rels, config=config or {},
                         stored_states=[stored])


def conf(host) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    parser.read_string(host.path(render.CONF).read_text())
    return parser


def get(out, endpoint):
    return next(r for r in out.relations if r.endpoint == endpoint)


def test_install(ctx, recorder):
    out = ctx.run(ctx.on.install(), state(keystone=None, installed=""))
    assert ("python3", "-m", "venv", "/opt/masakari/venv") \
        in recorder.calls
    assert ("/opt/masakari/venv/bin/pip", "install", "--upgrade",
            "masakari[monitors]") in recorder.calls
    assert out.unit_status == testing.BlockedStatus(
        "Missing relations: identity-credentials")


def test_install_failure_blocks(ctx, recorder):
    recorder.failing.append(("apt-get",))
    out = ctx.run(ctx.on.install(), state(installed=""))
    assert out.unit_status.name == "blocked"
    assert "Installing 'masakari[monitors]' failed" in \
        out.unit_status.message
    assert not recorder.ran("systemctl", "enable")


def test_principal_joined_waits_for_credentials(ctx):
    st = state(keystone=None)
    out = ctx.run(ctx.on.relation_joined(get(st, "juju-info")), st)
    assert out.unit_status == testing.BlockedStatus(
        "Missing relations: identity-credentials")


def test_credentials_joined_requests_user(ctx, host):
    creds = testing.Relation("identity-credentials")
    out = ctx.run(ctx.on.relation_joined(creds, remote_unit=0),
                  state(creds, keystone=None,
                        config={"credentials-username": "mm"}))
    assert out.get_relation(creds.id).local_unit_data["username"] == "mm"
    assert out.unit_status == testing.WaitingStatus(
        "Incomplete relations: identity-credentials")
    assert not host.path(render.CONF).exists()


def test_credentials_changed_renders_and_starts(ctx, host, recorder):
    st = state()
    out = ctx.run(ctx.on.relation_changed(get(st, "identity-credentials"),
                                          remote_unit=0), st)
    api = conf(host)["api"]
    assert api["auth_url"] == "https://10.0.0.5:5000/v3"
    assert (api["username"], api["password"], api["project_name"]) == (
        "masakari-monitors", "secret", "services")
    assert api["region"] == "R1" and api["api_interface"] == "internal"
    assert conf(host)["host"]["pacemaker_node_type"] == "autodetect"
    assert conf(host)["process"]["process_list_path"] == render.PROCESS_LIST
    assert "nova-compute" in host.path(render.PROCESS_LIST).read_text()
    assert recorder.ran("systemctl", "daemon-reload")
    assert ("systemctl", "enable", "--now", *ALL) in recorder.calls
    assert not recorder.ran("systemctl", "restart")
    assert out.unit_status == testing.ActiveStatus(
        "running hostmonitor, instancemonitor, processmonitor")


def test_credentials_broken_stops_monitors(ctx, recorder):
    st = state(running=ALL)
    out = ctx.run(ctx.on.relation_broken(get(st, "identity-credentials")),
                  st)
    assert ("systemctl", "disable", "--now", *ALL) in recorder.calls
    assert out.unit_status == testing.BlockedStatus(
        "Missing relations: identity-credentials")


def test_config_changed_switches_monitors(ctx, host, recorder):
    ctx.run(ctx.on.config_changed(), state())
    recorder.calls.clear()
    out = ctx.run(ctx.on.config_changed(), state(
        running=ALL, config={"instance-monitor": False,
                             "introspective-instance-monitor": True,
                             "monitoring-interval": 30, "debug": True}))
    assert ("systemctl", "disable", "--now",
            "masakari-instancemonitor") in recorder.calls
    assert ("systemctl", "enable", "--now",
            "masakari-introspectiveinstancemonitor") in recorder.calls
    assert ("systemctl", "restart", "masakari-hostmonitor",
            "masakari-processmonitor") in recorder.calls
    parsed = conf(host)
    assert parsed["host"]["monitoring_interval"] == "30"
    assert parsed["DEFAULT"]["debug"] == "true"
    assert out.unit_status.message == (
        "running hostmonitor, processmonitor, introspectiveinstancemonitor")


def test_unchanged_config_does_not_restart(ctx, recorder):
    ctx.run(ctx.on.config_changed(), state())
    recorder.calls.clear()
    out = ctx.run(ctx.on.update_status(), state(running=ALL))
    assert recorder.calls == []
    assert out.unit_status.name == "active"


def test_no_monitor_enabled_blocks(ctx, recorder):
    out = ctx.run(ctx.on.config_changed(), state(running=ALL, config={
        "host-monitor": False, "instance-monitor": False,
        "process-monitor": False}))
    assert ("systemctl", "disable", "--now", *ALL) in recorder.calls
    assert out.unit_status == testing.BlockedStatus("No monitor enabled")


def test_custom_process_list(ctx, host):
    custom = ("- process_name: /usr/sbin/sshd\n"
              "  start_command: systemctl start ssh\n"
              "  restart_command: systemctl restart ssh\n")
    ctx.run(ctx.on.config_changed(), state(config={"process-list": custom}))
    text = host.path(render.PROCESS_LIST).read_text()
    assert "/usr/sbin/sshd" in text and "nova-compute" not in text


@pytest.mark.parametrize("bad, message", [
    ("- [", "process-list is not YAML"),
    ("a: b", "process-list must be a non-empty YAML list"),
    ("- process_name: x", "process-list entry 1 lacks start_command, "
                          "restart_command"),
])
def test_bad_process_list_blocks(ctx, host, bad, message):
    out = ctx.run(ctx.on.config_changed(),
                  state(config={"process-list": bad}))
    assert out.unit_status.name == "blocked"
    assert out.unit_status.message.startswith(message)
    assert not host.path(render.CONF).exists()


@pytest.mark.parametrize("config, message", [
    ({"pacemaker-node-type": "member"},
     "pacemaker-node-type must be one of autodetect, cluster, remote"),
    ({"api-interface": "private"},
     "api-interface must be one of public, internal, admin"),
    ({"corosync-multicast-interfaces": "eth0,eth1",
      "corosync-multicast-ports": "5405"},
     "corosync-multicast-interfaces and corosync-multicast-ports need the "
     "same number of items"),
    ({"corosync-multicast-interfaces": "eth0",
      "corosync-multicast-ports": "70000"},
     "corosync-multicast-ports must be port numbers"),
])
def test_bad_config_blocks_and_stops(ctx, host, recorder, config, message):
    out = ctx.run(ctx.on.config_changed(), state(config=config,
                                                 running=ALL))
    assert out.unit_status == testing.BlockedStatus(message)
    assert ("systemctl", "disable", "--now", *ALL) in recorder.calls
    assert not host.path(render.CONF).exists()


def test_corosync_lists_rendered(ctx, host):
    ctx.run(ctx.on.config_changed(), state(config={
        "corosync-multicast-interfaces": "eth0, eth1",
        "corosync-multicast-ports": "5405,5406"}))
    assert conf(host)["host"]["corosync_multicast_ports"] == "5405,5406"


def test_pacemaker_remote_relation_makes_a_remote_node(ctx, host, recorder):
    ctx.run(ctx.on.config_changed(), state())
    recorder.calls.clear()
    remote = testing.SubordinateRelation(
        "pacemaker-remote", remote_app_name="pacemaker-remote",
        remote_unit_data={"node-type": "remote"})
    out = ctx.run(ctx.on.relation_changed(remote), state(
        remote, running=ALL, config={"restrict-to-remotes": True}))
    assert conf(host)["host"]["pacemaker_node_type"] == "remote"
    assert conf(host)["host"]["restrict_to_remotes"] == "true"
    assert ("systemctl", "restart", *ALL) in recorder.calls
    assert out.unit_status.message.startswith("Remote node; ")
    out = ctx.run(ctx.on.relation_broken(remote),
                  state(remote, running=ALL))
    assert conf(host)["host"]["pacemaker_node_type"] == "autodetect"
    assert not out.unit_status.message.startswith("Remote node")


def test_upgrade_reinstalls_and_restarts(ctx, recorder):
    ctx.run(ctx.on.config_changed(), state())
    recorder.calls.clear()
    ctx.run(ctx.on.upgrade_charm(), state(running=ALL))
    assert recorder.ran("/opt/masakari/venv/bin/pip", "install")
    assert ("systemctl", "restart", *ALL) in recorder.calls


def test_source_change_reinstalls(ctx, recorder):
    ctx.run(ctx.on.config_changed(), state(config={"source": "masakari==2"},
                                           running=ALL))
    assert ("/opt/masakari/venv/bin/pip", "install", "--upgrade",
            "masakari==2") in recorder.calls
    assert ("systemctl", "restart", *ALL) in recorder.calls


def test_stop_disables_every_monitor(ctx, recorder):
    ctx.run(ctx.on.stop(), state(running=ALL))
    assert recorder.calls == [("systemctl", "disable", "--now",
                               *render.MONITORS.values())]
