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
