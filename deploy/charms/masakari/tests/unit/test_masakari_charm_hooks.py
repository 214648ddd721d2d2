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

"""State-transition tests of the masakari charm: every hook and relation."""

import json
import stat

import pytest
from ops import testing

from masakari_charm import charm as masakari_charm
from masakari_charm import render

CONF = masakari_charm.CONF
KEYSTONE = {"service_host": "10.0.0.5", "service_port": "5000",
            "auth_host": "10.0.0.5", "auth_port": "35357",
            "service_protocol": "http", "auth_protocol": "http",
            "service_username": "masakari", "service_password": "kpass",
            "service_tenant": "services", "service_domain": "service_domain"}
RABBIT = {"hostname": "10.0.0.6", "password": "rpass"}
MYSQL = {"db_host": "10.0.0.7", "password": "dpass",
         "allowed_units": "masakari/0 masakari/1"}
DB_URL = ("mysql+pymysql://masakari:dpass@10.0.0.7/masakari?charset=utf8")
CERTS = {"masakari_0.server.cert": "CERT", "masakari_0.server.key": "KEY",
         "ca": "CA"}


def relations(keystone=KEYSTONE, rabbit=RABBIT, mysql=MYSQL):
    return [
        testing.Relation("identity-service", remote_units_data={0: keystone}),
        testing.Relation("amqp", remote_units_data={0: rabbit}),
        testing.Relation("shared-db", remote_units_data={0: mysql}),
    ]


def synced_value():
    return ("mysql+pymysql://masakari@10.0.0.7/masakari?charset=utf8"
            " masakari")


def state(*extra, leader=True, peer_data=None, config=None,
          running=False, rels=None):
    peer = testing.PeerRelation("cluster", local_app_data=peer_data or {})
    stored = testing.StoredState(
        owner_path="MasakariCharm",
        content={"installed": "masakari", "install_failed": False,
                 "running": running})
    return testing.State(
        relations=[*(relations() if rels is None else rels), peer, *extra],
        leader=leader, config=config or {}, stored_states=[stored])


def conf(host) -> str:
    return host.path(CONF).read_text()


def get(out, endpoint):
    return next(r for r in out.relations if r.endpoint == endpoint)


# -- install / upgrade / stop -----------------------------------------------

def test_install_installs_package_and_waits_for_relations(
        ctx, host, recorder):
    out = ctx.run(ctx.on.install(), testing.State())
    assert recorder.ran("apt-get", "install")
    assert recorder.ran("adduser", "--system")
    assert ("python3", "-m", "venv", "/opt/masakari/venv") in recorder.calls
    assert ("/opt/masakari/venv/bin/pip", "install", "--upgrade",
            "masakari") in recorder.calls
    assert out.unit_status == testing.BlockedStatus(
        "Missing relations: amqp, identity-service, shared-db")
    assert not host.path(CONF).exists()


def test_install_failure_blocks_until_source_fixed(ctx, host, recorder):
    recorder.failing.append(("/opt/masakari/venv/bin/pip",))
    out = ctx.run(ctx.on.install(), testing.State(
        config={"source": "masakari==bad"}))
    assert out.unit_status == testing.BlockedStatus(
        "Installing 'masakari==bad' failed; fix the source option "
        "(see juju debug-log)")
    recorder.failing.clear()
    out = ctx.run(ctx.on.config_changed(), testing.State(
        config={"source": "masakari==1.0"},
        stored_states=out.stored_states))
    assert recorder.calls[-1][-1] != "masakari==bad"
    assert ("/opt/masakari/venv/bin/pip", "install", "--upgrade",
            "masakari==1.0") in recorder.calls
    assert out.unit_status.name == "blocked"
    assert out.unit_status.message.startswith("Missing relations")


def test_upgrade_reinstalls_and_syncs_again(ctx, host, recorder):
    out = ctx.run(ctx.on.upgrade_charm(),
                  state(peer_data={"db-synced": synced_value()}))
    assert recorder.ran("/opt/masakari/venv/bin/pip", "install")
    assert len(recorder.ran("/opt/masakari/venv/bin/masakari-manage")) == 1
    assert out.unit_status == testing.ActiveStatus("API on port 15868 (http)")


def test_stop_disables_services(ctx, recorder):
    ctx.run(ctx.on.stop(), state(running=True))
    assert recorder.calls == [("systemctl", "disable", "--now",
                               "masakari-api", "masakari-engine")]


# -- requests published on each relation ------------------------------------

def test_amqp_joined_requests_user_and_vhost(ctx):
    amqp = testing.Relation("amqp")
    out = ctx.run(ctx.on.relation_joined(amqp, remote_unit=0),
                  state(rels=[amqp], config={"rabbit-vhost": "ha"}))
    data = out.get_relation(amqp.id).local_unit_data
    assert data["username"] == "masakari" and data["vhost"] == "ha"
    assert out.unit_status == testing.BlockedStatus(
        "Missing relations: identity-service, shared-db")


def test_shared_db_joined_requests_database(ctx):
    db = testing.Relation("shared-db")
    out = ctx.run(ctx.on.relation_joined(db, remote_unit=0),
                  state(rels=[db]))
    data = out.get_relation(db.id).local_unit_data
    assert (data["database"], data["username"], data["hostname"]) == (
        "masakari", "masakari", "192.0.2.0")


def test_identity_joined_registers_instance_ha(ctx):
    ks = testing.Relation("identity-service")
    out = ctx.run(ctx.on.relation_joined(ks, remote_unit=0),
                  state(rels=[ks], config={"region": "R2"}))
    rel = out.get_relation(ks.id)
    url = "http://192.0.2.0:15868/v1/$(tenant_id)s"
    assert rel.local_unit_data["service"] == "masakari"
    assert rel.local_unit_data["region"] == "R2"
    assert rel.local_unit_data["public_url"] == url
    assert rel.local_unit_data["internal_url"] == url
    endpoints = json.loads(rel.local_app_data["service-endpoints"])
    assert endpoints[0]["type"] == "instance-ha"
    assert endpoints[0]["public_url"] == url


def test_non_leader_leaves_app_data_alone(ctx):
    ks = testing.Relation("identity-service")
    out = ctx.run(ctx.on.relation_joined(ks, remote_unit=0),
                  state(rels=[ks], leader=False))
    assert out.get_relation(ks.id).local_app_data == {}


def test_endpoint_hostname_option(ctx):
    ks = testing.Relation("identity-service")
    out = ctx.run(ctx.on.config_changed(), state(
        rels=[ks], config={"endpoint-hostname": "ha.example.com"}))
    assert out.get_relation(ks.id).local_unit_data["admin_url"] == (
        "http://ha.example.com:15868/v1/$(tenant_id)s")


# -- readiness --------------------------------------------------------------

def test_related_without_data_waits(ctx, host):
    rels = relations(keystone={}, rabbit={}, mysql={})
    out = ctx.run(ctx.on.relation_changed(rels[0], remote_unit=0),
                  state(rels=rels))
    assert out.unit_status == testing.WaitingStatus(
        "Incomplete relations: amqp, identity-service, shared-db")
    assert not host.path(CONF).exists()


def test_mysql_grant_for_other_units_only_waits(ctx):
    rels = relations(mysql={**MYSQL, "allowed_units": "masakari/1"})
    out = ctx.run(ctx.on.relation_changed(rels[2], remote_unit=0),
                  state(rels=rels))
    assert out.unit_status == testing.WaitingStatus(
        "Incomplete relations: shared-db")


def test_all_ready_on_leader_renders_syncs_and_starts(ctx, host, recorder):
    st = state()
    db = get(st, "shared-db")
    out = ctx.run(ctx.on.relation_changed(db, remote_unit=0), st)
    text = conf(host)
    assert "transport_url = rabbit://masakari:rpass@10.0.0.6:5672/openstack"\
        in text
    assert f"connection = {DB_URL}" in text
    assert "www_authenticate_uri = http://10.0.0.5:5000/v3" in text
    assert "auth_url = http://10.0.0.5:35357/v3" in text
    assert "os_privileged_user_name = masakari" in text
    assert "use_ssl = false" in text
    assert "cert_file" not in text
    assert stat.S_IMODE(host.path(CONF).stat().st_mode) == 0o640
    assert ("chown", "root:masakari", str(host.path(CONF))) in recorder.calls
    assert host.path(masakari_charm.PASTE).read_text() == render.api_paste()
    assert host.path("/etc/systemd/system/masakari-api.service").exists()
    assert recorder.ran("systemctl", "daemon-reload")
    sync = recorder.ran("/opt/masakari/venv/bin/masakari-manage")
    assert sync == [("/opt/masakari/venv/bin/masakari-manage",
                     "--config-file", CONF, "db", "sync")]
    assert recorder.ran("systemctl", "enable", "--now")
    assert get(out, "cluster").local_app_data["db-synced"] == synced_value()
    assert "dpass" not in synced_value()
    assert out.unit_status == testing.ActiveStatus("API on port 15868 (http)")


def test_leader_syncs_once(ctx, recorder):
    ctx.run(ctx.on.config_changed(),
            state(peer_data={"db-synced": synced_value()}))
    assert not recorder.ran("/opt/masakari/venv/bin/masakari-manage")


def test_non_leader_waits_for_leader_sync(ctx, host, recorder):
    out = ctx.run(ctx.on.config_changed(), state(leader=False))
    assert not recorder.ran("/opt/masakari/venv/bin/masakari-manage")
    assert not recorder.ran("systemctl", "enable")
    assert out.unit_status == testing.WaitingStatus(
        "Waiting for the leader to sync the database")


def test_non_leader_starts_after_leader_sync(ctx, recorder):
    st = state(leader=False, peer_data={"db-synced": synced_value()})
    peer = get(st, "cluster")
    out = ctx.run(ctx.on.relation_changed(peer, remote_unit=1), st)
    assert not recorder.ran("/opt/masakari/venv/bin/masakari-manage")
    assert recorder.ran("systemctl", "enable", "--now")
    assert out.unit_status == testing.ActiveStatus("API on port 15868 (http)")


def test_db_sync_failure_blocks(ctx, recorder):
    recorder.failing.append(("/opt/masakari/venv/bin/masakari-manage",))
    out = ctx.run(ctx.on.config_changed(), state())
    assert out.unit_status == testing.BlockedStatus(
        "masakari-manage db sync failed (see juju debug-log)")
    assert not recorder.ran("systemctl", "enable")


def test_leader_elected_takes_over_without_resync(ctx, recorder):
    out = ctx.run(ctx.on.leader_elected(),
                  state(peer_data={"db-synced": synced_value()}))
    assert not recorder.ran("/opt/masakari/venv/bin/masakari-manage")
    assert out.unit_status.name == "active"


# -- config-changed ---------------------------------------------------------

def test_config_changed_rewrites_and_restarts(ctx, host, recorder):
    synced = {"db-synced": synced_value()}
    ctx.run(ctx.on.config_changed(), state(peer_data=synced))
    recorder.calls.clear()
    ctx.run(ctx.on.config_changed(), state(
        peer_data=synced, running=True,
        config={"debug": True, "evacuate-all-instances": False,
                "api-workers": 4, "taskflow-persistence": False}))
    text = conf(host)
    assert "debug = true" in text
    assert "evacuate_all_instances = false" in text
    assert "masakari_api_workers = 4" in text
    assert "[taskflow]" not in text
    assert recorder.calls == [
        ("chown", "root:masakari", str(host.path(CONF))),
        ("systemctl", "restart", "masakari-api", "masakari-engine")]


def test_unchanged_config_does_not_restart(ctx, recorder):
    synced = {"db-synced": synced_value()}
    ctx.run(ctx.on.config_changed(), state(peer_data=synced))
    recorder.calls.clear()
    out = ctx.run(ctx.on.update_status(), state(peer_data=synced,
                                                running=True))
    assert recorder.calls == []
    assert out.unit_status.name == "active"


def test_source_change_reinstalls_and_resyncs(ctx, recorder):
    ctx.run(ctx.on.config_changed(), state(
        peer_data={"db-synced": synced_value()},
        config={"source": "masakari==2.0"}))
    assert ("/opt/masakari/venv/bin/pip", "install", "--upgrade",
            "masakari==2.0") in recorder.calls
    assert recorder.ran("/opt/masakari/venv/bin/masakari-manage")


# -- relation departed / broken ---------------------------------------------

def test_rabbit_units_joining_and_departing(ctx, host):
    amqp = testing.Relation("amqp", remote_units_data={
        0: RABBIT, 1: {"hostname": "10.0.0.8", "password": "rpass"}})
    rels = [r for r in relations() if r.endpoint != "amqp"] + [amqp]
    synced = {"db-synced": synced_value()}
    ctx.run(ctx.on.relation_changed(amqp, remote_unit=1),
            state(rels=rels, peer_data=synced))
    assert ("transport_url = rabbit://masakari:rpass@10.0.0.6:5672,"
            "masakari:rpass@10.0.0.8:5672/openstack") in conf(host)
    gone = testing.Relation("amqp", id=amqp.id,
                            remote_units_data={0: RABBIT})
    rels = [r for r in relations() if r.endpoint != "amqp"] + [gone]
    ctx.run(ctx.on.relation_departed(gone, remote_unit=1,
                                     departing_unit=1),
            state(rels=rels, peer_data=synced, running=True))
    assert ("transport_url = rabbit://masakari:rpass@10.0.0.6:5672/"
            "openstack") in conf(host)


def test_shared_db_broken_stops_services(ctx, recorder):
    st = state(running=True, peer_data={"db-synced": synced_value()})
    db = get(st, "shared-db")
    out = ctx.run(ctx.on.relation_broken(db), st)
    assert ("systemctl", "stop", "masakari-api",
            "masakari-engine") in recorder.calls
    assert out.unit_status == testing.BlockedStatus(
        "Missing relations: shared-db")


# -- certificates -----------------------------------------------------------

def test_certificates_joined_requests_cert_and_waits(ctx, host):
    certs = testing.Relation("certificates")
    out = ctx.run(ctx.on.relation_joined(certs, remote_unit=0),
                  state(certs, peer_data={"db-synced": synced_value()}))
    data = out.get_relation(certs.id).local_unit_data
    assert data["unit_name"] == "masakari_0"
    assert data["common_name"] == "192.0.2.0"
    assert json.loads(data["sans"]) == []
    assert out.unit_status == testing.WaitingStatus(
        "Incomplete relations: certificates")


def test_certificates_available_serves_https(ctx, host, recorder):
    certs = testing.Relation("certificates", remote_units_data={0: CERTS})
    out = ctx.run(ctx.on.relation_changed(certs, remote_unit=0),
                  state(certs, peer_data={"db-synced": synced_value()},
                        running=True))
    text = conf(host)
    assert "use_ssl = true" in text
    assert f"cert_file = {render.CERT_FILE}" in text
    assert f"key_file = {render.KEY_FILE}" in text
    assert host.path(render.CERT_FILE).read_text() == "CERT\n"
    assert host.path(render.KEY_FILE).read_text() == "KEY\n"
    assert host.path(render.CA_FILE).read_text() == "CA\n"
    assert stat.S_IMODE(host.path(render.KEY_FILE).stat().st_mode) == 0o640
    assert recorder.ran("systemctl", "restart")
    ks = get(out, "identity-service")
    assert ks.local_unit_data["public_url"].startswith("https://")
    assert out.unit_status == testing.ActiveStatus(
        "API on port 15868 (https)")


def test_certificates_removed_back_to_http(ctx, host, recorder):
    synced = {"db-synced": synced_value()}
    certs = testing.Relation("certificates", remote_units_data={0: CERTS})
    ctx.run(ctx.on.relation_changed(certs, remote_unit=0),
            state(certs, peer_data=synced))
    recorder.calls.clear()
    out = ctx.run(ctx.on.relation_broken(certs),
                  state(certs, peer_data=synced, running=True))
    assert not host.path(render.CERT_FILE).exists()
    assert not host.path(render.KEY_FILE).exists()
    assert not host.path(render.CA_FILE).exists()
    text = conf(host)
    assert "use_ssl = false" in text and "cert_file" not in text
    assert recorder.ran("systemctl", "restart")
    assert get(out, "identity-service").local_unit_data[
        "public_url"].startswith("http://")
    assert out.unit_status == testing.ActiveStatus("API on port 15868 (http)")


# -- ha ---------------------------------------------------------------------

def test_ha_without_vip_blocks(ctx):
    ha = testing.Relation("ha")
    out = ctx.run(ctx.on.relation_joined(ha, remote_unit=0), state(ha))
    assert out.unit_status == testing.BlockedStatus(
        "Set the vip option to use the ha relation")


@pytest.mark.parametrize("event", ["joined", "changed"])
def test_ha_with_vip_publishes_resources(ctx, event):
    ha = testing.Relation("ha")
    on = getattr(ctx.on, f"relation_{event}")
    out = ctx.run(on(ha, remote_unit=0), state(
        ha, config={"vip": "10.0.0.100"},
        peer_data={"db-synced": synced_value()}))
    data = out.get_relation(ha.id).local_unit_data
    assert json.loads(data["json_resources"]) == {
        "res_masakari_vip": "ocf:heartbeat:IPaddr2"}
    assert 'ip="10.0.0.100"' in json.loads(
        data["json_resource_params"])["res_masakari_vip"]
    assert get(out, "identity-service").local_unit_data["public_url"] == (
        "http://10.0.0.100:15868/v1/$(tenant_id)s")
    assert out.unit_status.name == "active"
