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

import base64
import os

import pytest

from masakarimonitors.hostmonitor.kubernetes import client


def _kubeconfig(tmp_path, cluster, user):
    import yaml

    doc = {"current-context": "ctx",
           "contexts": [{"name": "other", "context": {}},
                        {"name": "ctx", "context": {"cluster": "c",
                                                    "user": "u"}}],
           "clusters": [{"name": "c", "cluster": cluster}],
           "users": [{"name": "u", "user": user}]}
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(doc))
    return str(path)


def test_kubeconfig_with_token_and_relative_ca(tmp_path):
    path = _kubeconfig(tmp_path, {"server": "https://k8s:6443/",
                                  "certificate-authority": "ca.pem"},
                       {"token": "abc"})
    creds = client.from_kubeconfig(path)
    assert creds.server == "https://k8s:6443"
    assert creds.bearer() == "abc"
    assert creds.ca_file == str(tmp_path / "ca.pem")
    assert creds.verify


def test_kubeconfig_inline_client_certificate_goes_to_private_files(
        tmp_path):
    data = base64.b64encode(b"PEM").decode()
    path = _kubeconfig(tmp_path, {"server": "https://k8s",
                                  "certificate-authority-data": data,
                                  "insecure-skip-tls-verify": True},
                       {"client-certificate-data": data,
                        "client-key-data": data})
    creds = client.from_kubeconfig(path)
    assert creds.ca_data == "PEM" and not creds.verify
    assert open(creds.key_file, "rb").read() == b"PEM"
    assert os.stat(creds.key_file).st_mode & 0o077 == 0


@pytest.mark.parametrize("cluster,user,message", [
    ({}, {}, "no server"),
])
def test_kubeconfig_errors(tmp_path, cluster, user, message):
    with pytest.raises(client.ConfigError, match=message):
        client.from_kubeconfig(_kubeconfig(tmp_path, cluster, user))


def test_kubeconfig_missing_context(tmp_path):
    path = tmp_path / "kubeconfig"
    path.write_text("current-context: nope\ncontexts: []\n")
    with pytest.raises(client.ConfigError, match="nope"):
        client.from_kubeconfig(str(path))
    with pytest.raises(client.ConfigError, match="cannot read"):
        client.from_kubeconfig(str(tmp_path / "absent"))


def test_in_cluster_service_account(tmp_path):
    (tmp_path / "token").write_text("tok1\n")
    (tmp_path / "ca.crt").write_text("x")
    env = {"KUBERNETES_SERVICE_HOST": "10.96.0.1",
           "KUBERNETES_SERVICE_PORT": "443"}
    creds = client.in_cluster(env, str(tmp_path))
    assert creds.server == "https://10.96.0.1:443"
    assert creds.bearer() == "tok1"
    (tmp_path / "token").write_text("tok2\n")      # rotated
    assert creds.bearer() == "tok2"
    assert creds.ca_file == str(tmp_path / "ca.crt")


def test_not_in_a_pod(tmp_path):
    with pytest.raises(client.ConfigError, match="kubeconfig"):
        client.in_cluster({}, str(tmp_path))


@pytest.mark.parametrize("conditions,expected", [
    ([{"type": "MemoryPressure", "status": "False"},
      {"type": "Ready", "status": "Unknown"}], "Unknown"),
    ([{"type": "Ready", "status": "True"}], "True"),
    ([], None),
])
def test_ready_status(conditions, expected):
    assert client.ready_status({"status": {"conditions": conditions}}) == expected
