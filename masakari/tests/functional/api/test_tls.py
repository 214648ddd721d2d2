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

"""masakari-api over HTTPS, and the TLS settings of masakari's clients.

A CA made for the test signs the server's certificate: a client that
trusts the CA connects, one that does not is refused. The monitors'
client of the API ([api] cafile) and the engine's Nova session ([DEFAULT]
cafile, certfile, keyfile) are checked against the same server.
"""

import json
import ssl
import subprocess
import sys
import urllib.error
import urllib.request

from keystoneauth1 import exceptions as ks_exceptions
from oslo_config import cfg
import pytest

from masakari.compute import session as nova_session
from masakari import conf as masakari_conf
from masakari.db import migration
from masakari.testing import api_server
from masakari.testing import certs
from masakarimonitors.common import client as monitors_client
from masakarimonitors import conf as monitors_conf

pytestmark = pytest.mark.functional


class HttpsApiServer(api_server.ApiServer):
    """masakari-api with use_ssl; ready once it answers over HTTPS."""

    def __init__(self, workdir, db_url, pki, extra=None):
        super().__init__(workdir, db_url, extra=extra)
        self.pki = pki

    @property
    def url(self):
        return f'https://127.0.0.1:{self.port}'

    def context(self, client_cert=False):
        context = ssl.create_default_context(cafile=self.pki.ca_file)
        if client_cert:
            context.load_cert_chain(self.pki.client_cert,
                                    self.pki.client_key)
        return context

    def ready(self):
        try:
            with urllib.request.urlopen(
                    self.url + '/', timeout=1,
                    context=self.context(client_cert=True)) as resp:
                return resp.status == 200
        except OSError:
            return False


@pytest.fixture
def pki(tmp_path):
    directory = tmp_path / 'pki'
    directory.mkdir()
    return certs.make_pki(directory)


@pytest.fixture
def https_server(tmp_path, pki):
    url = f'sqlite:///{tmp_path}/t.sqlite'
    migration.db_sync(url=url, taskflow_connection=None)
    started = []

    def start(ssl_options=None, extra=None):
        sections = {'DEFAULT': {'use_ssl': 'true'},
                    'ssl': {'cert_file': pki.server_cert,
                            'key_file': pki.server_key,
                            **(ssl_options or {})}}
        for section, values in (extra or {}).items():
            sections.setdefault(section, {}).update(values)
        server = HttpsApiServer(str(tmp_path), url, pki, extra=sections)
        started.append(server.start())
        return server
    yield start
    for server in started:
        assert server.stop() == 0, server.log()


def _get(url, context, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10, context=context) as r:
        return r.status, json.load(r)


def test_https_with_and_without_the_ca(https_server):
    server = https_server()
    status, body = _get(server.url + '/v1/segments', server.context())
    assert (status, body) == (200, {'segments': []})
    # The system's trust store does not know the test CA.
    with pytest.raises(urllib.error.URLError) as info:
        _get(server.url + '/v1/segments', ssl.create_default_context())
    assert isinstance(info.value.reason, ssl.SSLCertVerificationError)
    # Plain HTTP on the TLS port gets no API answer.
    with pytest.raises((urllib.error.URLError, OSError)):
        _get(server.url.replace('https:', 'http:') + '/v1/segments', None)


def test_ca_file_requires_client_certificates(https_server, pki):
    server = https_server({'ca_file': pki.ca_file})
    status, _ = _get(server.url + '/v1/segments',
                     server.context(client_cert=True))
    assert status == 200
    with pytest.raises((urllib.error.URLError, ssl.SSLError, OSError)):
        _get(server.url + '/v1/segments', server.context())


def test_forwarded_proto_in_version_links(https_server):
    """Behind a TLS-terminating proxy: the version document's links use
    the scheme and host the client used."""
    server = https_server(extra={
        'oslo_middleware': {'enable_proxy_headers_parsing': 'true'}})
    status, body = _get(server.url + '/', server.context(), headers={
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': 'masakari.example.org'})
    assert status == 200
    hrefs = [link['href'] for version in body['versions']
             for link in version['links']]
    assert hrefs and all(
        h.startswith('https://masakari.example.org/') for h in hrefs), hrefs


def test_unusable_tls_options_stop_the_api_with_one_line(tmp_path, pki):
    server = api_server.ApiServer(str(tmp_path), 'sqlite://', extra={
        'DEFAULT': {'use_ssl': 'true'},
        'ssl': {'cert_file': pki.server_cert,
                'key_file': str(tmp_path / 'missing-key.pem')}})
    config = server.write_config()
    result = subprocess.run(
        [sys.executable, '-m', 'masakari.cmd.api', '--config-file', config],
        cwd=api_server.REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert 'key_file: no such file' in result.stderr
    assert 'Traceback' not in result.stderr


def _monitor_client(tmp_path, server, cafile=None):
    lines = ['[api]', 'auth_type = none', f'endpoint = {server.url}/v1',
             f'certfile = {server.pki.client_cert}',
             f'keyfile = {server.pki.client_key}']
    if cafile:
        lines.append(f'cafile = {cafile}')
    path = tmp_path / f'monitors-{bool(cafile)}.conf'
    path.write_text('\n'.join(lines) + '\n')
    conf = monitors_conf.new_config()
    conf(['--config-file', str(path)], project='masakarimonitors-test',
         default_config_files=[])
    return monitors_client.MasakariClient(conf)


def test_monitor_client_verifies_with_its_cafile(https_server, pki,
                                                 tmp_path):
    server = https_server({'ca_file': pki.ca_file})
    body = {'type': 'COMPUTE_HOST', 'hostname': 'compute-unknown',
            'generated_time': '2026-01-01T00:00:00',
            'payload': {'event': 'STOPPED', 'host_status': 'NORMAL',
                        'cluster_status': 'OFFLINE'}}
    resp = _monitor_client(tmp_path, server, pki.ca_file) \
        .create_notification(body)
    # Through TLS to the API, which answers for a host it does not know.
    assert 400 <= resp.status_code < 500, resp.text
    assert 'compute-unknown' in resp.text
    with pytest.raises(ks_exceptions.SSLError):
        _monitor_client(tmp_path, server).create_notification(body)


def _engine_conf(**defaults):
    conf = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(conf)
    conf([], project='masakari-test', default_config_files=[])
    conf.set_override('os_privileged_user_auth_url', 'https://127.0.0.1:1')
    for name, value in defaults.items():
        conf.set_override(name, value)
    return conf


@pytest.mark.parametrize('option', ['cafile', 'nova_ca_certificates_file'])
def test_engine_nova_session_verifies_with_its_cafile(https_server, pki,
                                                      option):
    server = https_server({'ca_file': pki.ca_file})
    client = {'certfile': pki.client_cert, 'keyfile': pki.client_key}
    conf = _engine_conf(**client, **{option: pki.ca_file})
    session = nova_session.SessionCache().adapter(conf).session
    resp = session.get(server.url + '/', authenticated=False)
    assert resp.status_code == 200
    assert resp.json()['versions'][0]['id'] == 'v1.0'
    untrusting = nova_session.SessionCache().adapter(_engine_conf(**client))
    with pytest.raises(ks_exceptions.SSLError):
        untrusting.session.get(server.url + '/', authenticated=False)
