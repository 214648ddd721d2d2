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

"""requests' environment settings are applied once when that is the same."""

import pytest

from masakari.compute import session as nova_session

ENV = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy",
       "https_proxy", "all_proxy", "no_proxy", "REQUESTS_CA_BUNDLE",
       "CURL_CA_BUNDLE", "NETRC")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return monkeypatch


SETTINGS = {"auth_type": "password", "auth_url": "http://127.0.0.1:1/v3",
            "username": "u", "password": "p", "project_name": "p",
            "user_domain": "default", "project_domain": "default",
            "system_scope": None, "catalog": "compute:nova:publicURL",
            "region": None, "cafile": None, "insecure": False, "timeout": 30}


@pytest.mark.parametrize("verify", [True, False, "/etc/my-ca.pem"])
def test_nothing_in_the_environment(clean_env, verify):
    assert nova_session.environment_once(verify) == verify


def test_ca_bundle_applied_once(clean_env):
    clean_env.setenv("CURL_CA_BUNDLE", "/curl.pem")
    assert nova_session.environment_once(True) == "/curl.pem"
    clean_env.setenv("REQUESTS_CA_BUNDLE", "/requests.pem")
    assert nova_session.environment_once(True) == "/requests.pem"
    # An explicit CA file or insecure mode wins, as in requests.
    assert nova_session.environment_once("/mine.pem") == "/mine.pem"
    assert nova_session.environment_once(False) is False


@pytest.mark.parametrize("name,value", [("https_proxy", "http://proxy:3128"),
                                        ("NO_PROXY", "example.com"),
                                        ("NETRC", "/some/netrc")])
def test_proxies_or_netrc_read_per_request(clean_env, name, value):
    clean_env.setenv(name, value)
    assert nova_session.environment_once(True) is None


def test_netrc_file_read_per_request(clean_env, tmp_path):
    (tmp_path / ".netrc").write_text("machine nova login a password b\n")
    assert nova_session.environment_once(True) is None


def test_adapter_trusts_the_environment_only_when_needed(clean_env):
    clean_env.setenv("REQUESTS_CA_BUNDLE", "/requests.pem")
    adapter = nova_session.build_adapter(SETTINGS)
    assert adapter.session.session.trust_env is False
    assert adapter.session.verify == "/requests.pem"
    clean_env.setenv("https_proxy", "http://proxy:3128")
    adapter = nova_session.build_adapter(SETTINGS)
    assert adapter.session.session.trust_env is True
    assert adapter.session.verify is True


def _conf(**defaults):
    from oslo_config import cfg

    from masakari import conf as masakari_conf
    conf = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(conf)
    conf([], project="masakari", default_config_files=[])
    conf.set_override("os_privileged_user_auth_url", "http://ks/v3")
    conf.set_override("os_privileged_user_name", "masakari")
    conf.set_override("os_privileged_user_password", "pw")
    conf.set_override("os_privileged_user_tenant", "service")
    for name, value in defaults.items():
        conf.set_override(name, value)
    return conf


def test_keystoneauth_session_options_reach_the_session(clean_env):
    """[DEFAULT] certfile/keyfile, collect_timing, split_loggers and the TLS
    options (keystoneauth's session options) shape the Nova session."""
    conf = _conf(certfile="/c.pem", keyfile="/k.pem", collect_timing=True,
                 split_loggers=True, tls_min_version="1.3",
                 cafile="/ks-ca.pem")
    settings = nova_session._settings(conf)
    session = nova_session.build_adapter(settings).session
    assert session.cert == ("/c.pem", "/k.pem")
    assert session._collect_timing is True
    assert session._split_loggers is True
    assert session.tls_min_version == "1.3"
    assert session.verify == "/ks-ca.pem"
    # masakari's own Nova options win over keystoneauth's.
    conf.set_override("nova_ca_certificates_file", "/nova-ca.pem")
    conf.set_override("insecure", True)
    settings = nova_session._settings(conf)
    assert settings["cafile"] == "/nova-ca.pem" and settings["insecure"]
    assert nova_session.build_adapter(settings).session.verify is False


def test_certfile_alone_is_the_client_certificate(clean_env):
    settings = nova_session._settings(_conf(certfile="/both.pem"))
    assert nova_session.build_adapter(settings).session.cert == "/both.pem"


def test_connection_pool_holds_as_many_as_the_engine_evacuates_at_once(
        clean_env):
    conf = _conf(max_concurrent_evacuations=40, tls_min_version="1.3")
    session = nova_session.build_adapter(nova_session._settings(conf)).session
    for scheme in ("http://", "https://"):
        pool = session.session.get_adapter(scheme + "nova.example")
        assert pool._pool_maxsize == 40
        assert pool.tls_min_version is not None
    # Never fewer than requests' own default.
    conf.set_override("max_concurrent_evacuations", 2)
    assert nova_session._settings(conf)["pool_size"] == \
        nova_session.DEFAULT_POOL_SIZE
    # Settings without the engine's option (an older caller) still work.
    settings = dict(SETTINGS)
    session = nova_session.build_adapter(settings).session
    assert session.session.get_adapter("http://x")._pool_maxsize == \
        nova_session.DEFAULT_POOL_SIZE
