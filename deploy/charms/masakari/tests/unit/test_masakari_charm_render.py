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

"""The masakari charm's pure parts: relation parsing and rendering."""

import configparser
import pathlib
import re

import charm_common
from oslo_config import cfg

from masakari import conf as masakari_conf
from masakari_charm import relations
from masakari_charm import render

REPO = pathlib.Path(__file__).resolve().parents[5]
# keystonemiddleware loads these from the auth plugin, so the generated
# sample does not list them.
AUTH_PLUGIN_OPTIONS = {"auth_url", "username", "password", "project_name",
                       "user_domain_name", "project_domain_name"}

IDENTITY = relations.Identity(
    auth_url="https://ks:35357/v3", public_auth_url="https://ks:5000/v3",
    username="masakari", password="p", project="services",
    domain="service_domain")


def _sample_options(path: pathlib.Path) -> set[tuple[str, str]]:
    found, group = set(), None
    for line in path.read_text().splitlines():
        if m := re.match(r"^\[(\w+)\]$", line):
            group = m.group(1)
        elif m := re.match(r"^#(\w+) =", line):
            found.add((group, m.group(1)))
    return found


def _parse(text: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(default_section="__none__")
    parser.optionxform = str
    parser.read_string(text)
    return parser


def _inputs(tls=True, **config):
    options = {"region": "RegionOne", "debug": False, "api-workers": 0,
               "taskflow-persistence": True, **config}
    return render.Inputs(config=options, identity=IDENTITY,
                         transport_url="rabbit://u:p@h:5672/v",
                         database_url="mysql+pymysql://u:p@db/masakari",
                         tls=tls)


def test_every_rendered_option_is_a_masakari_option():
    known = _sample_options(REPO / "etc" / "masakari" /
                            "masakari.conf.sample")
    parsed = _parse(render.masakari_conf(_inputs()))
    for group in parsed.sections():
        for option in parsed[group]:
            if group == "keystone_authtoken" and \
                    option in AUTH_PLUGIN_OPTIONS | {"auth_type"}:
                continue
            assert (group, option) in known, (group, option)


def test_tls_options():
    tls = _parse(render.masakari_conf(_inputs(tls=True)))
    assert tls["DEFAULT"]["use_ssl"] == "true"
    assert tls["ssl"]["cert_file"] == render.CERT_FILE
    assert tls["ssl"]["key_file"] == render.KEY_FILE
    plain = _parse(render.masakari_conf(_inputs(tls=False)))
    assert plain["DEFAULT"]["use_ssl"] == "false"
    assert not plain.has_section("ssl")


def test_workers_default_left_to_masakari():
    parsed = _parse(render.masakari_conf(_inputs()))
    assert "masakari_api_workers" not in parsed["DEFAULT"]
    parsed = _parse(render.masakari_conf(_inputs(**{"api-workers": 3})))
    assert parsed["DEFAULT"]["masakari_api_workers"] == "3"


def test_api_paste_matches_the_packaged_file():
    ours = _parse(render.api_paste())
    packaged = _parse((REPO / "etc" / "masakari" /
                       "api-paste.ini").read_text())
    assert {s: dict(ours[s]) for s in ours.sections()} == {
        s: dict(packaged[s]) for s in packaged.sections()}


def test_units_are_deploy_systemds():
    units = render.units()
    assert sorted(units) == ["/etc/systemd/system/masakari-api.service",
                             "/etc/systemd/system/masakari-engine.service"]
    for path, content in units.items():
        name = pathlib.PurePath(path).name
        assert content == (REPO / "deploy" / "systemd" / name).read_text(), (
            f"cp deploy/systemd/{name} {render.UNIT_DIR}/")
        assert "--config-file /etc/masakari/masakari.conf" in content


def test_parse_identity_needs_every_key():
    full = {k: "x" for k in relations.IDENTITY_KEYS}
    assert relations.parse_identity([{**full, "service_tenant": ""}]) is None
    identity = relations.parse_identity([{}, {**full, "auth_port": "1",
                                              "auth_protocol": "https"}])
    assert identity.auth_url == "https://x:1/v3"
    assert identity.public_auth_url == "http://x:x/v3"
    assert identity.domain == "service_domain"


def test_transport_url_quotes_and_skips_incomplete_units():
    url = relations.transport_url(
        [{"hostname": "b", "password": "p@ss/"}, {"hostname": "c"},
         {"private-address": "a", "password": "q"}], "us:er", "v/h")
    assert url == "rabbit://us%3Aer:p%40ss%2F@b:5672,us%3Aer:q@a:5672/v%2Fh"\
        or url == "rabbit://us%3Aer:q@a:5672,us%3Aer:p%40ss%2F@b:5672/v%2Fh"
    assert relations.transport_url([{"hostname": "b"}], "u", "v") is None


def test_database_url_waits_for_this_units_grant():
    data = {"db_host": "db", "password": "p w", "db_port": "3307"}
    assert relations.database_url([data], "m/0", "u", "d") == (
        "mysql+pymysql://u:p%20w@db:3307/d?charset=utf8")
    assert relations.database_url([{**data, "allowed_units": "m/1"}],
                                  "m/0", "u", "d") is None
    assert relations.database_url([{**data, "allowed_units": "m/1 m/0"}],
                                  "m/0", "u", "d") is not None


def test_fingerprint_drops_only_the_password():
    assert relations.database_fingerprint(
        "mysql+pymysql://u:secret@db:3306/d") == "mysql+pymysql://u@db:3306/d"


def test_certificate_for_this_unit_with_chain():
    data = {"m_1.server.cert": "C1", "m_1.server.key": "K1",
            "m_0.server.cert": "C0 ", "m_0.server.key": "K0",
            "ca": "CA\n", "chain": "INT"}
    cert = relations.parse_certificate([data], "m/0")
    assert cert == relations.Certificate(cert="C0\n", key="K0\n",
                                         ca="CA\nINT\n")
    assert relations.parse_certificate([{"m_0.server.cert": "C"}],
                                       "m/0") is None


def test_render_ini_skips_none_and_empty_sections():
    text = charm_common.render_ini(
        {"a": {"x": None, "y": True, "z": 3}, "b": {"q": None}}, "hi")
    assert text == "# hi\n\n[a]\ny = true\nz = 3\n"


def test_masakari_reads_the_rendered_file(tmp_path):
    path = tmp_path / "masakari.conf"
    path.write_text(render.masakari_conf(_inputs(**{"api-workers": 2,
                                                    "debug": True})))
    conf = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(conf)
    conf(args=["--config-file", str(path)], project="masakari",
         default_config_files=[], default_config_dirs=[])
    assert conf.use_ssl is True
    assert conf.masakari_api_workers == 2
    assert conf.masakari_api_listen_port == 15868
    assert conf.ssl.cert_file == render.CERT_FILE
    assert conf.database.connection == "mysql+pymysql://u:p@db/masakari"
    assert conf.taskflow.connection == conf.database.connection
    assert conf.host_failure.evacuate_all_instances is False
    assert conf.os_privileged_user_auth_url == "https://ks:35357/v3"
    assert conf.wsgi.api_paste_config == "/etc/masakari/api-paste.ini"
