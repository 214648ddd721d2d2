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

"""The masakari-api process: workers, graceful SIGTERM, healthcheck."""

import json
import os
import signal
import socket
import urllib.request

import pytest

from masakari.testing import api_server
from masakari.testing import waits

pytestmark = pytest.mark.functional


@pytest.fixture
def sqlite_server(tmp_path):
    from masakari.db import migration
    url = f'sqlite:///{tmp_path}/m.sqlite'
    migration.db_sync(url=url, taskflow_connection=None)

    def start(**kw):
        return api_server.ApiServer(str(tmp_path), url, **kw).start()
    return start


def _children(pid):
    path = f'/proc/{pid}/task/{pid}/children'
    with open(path) as f:
        return [int(p) for p in f.read().split()]


def test_sigterm_drains_in_flight_request(sqlite_server):
    server = sqlite_server()
    body = json.dumps({'segment': {'name': 'drain', 'service_type': 'C',
                                   'recovery_method': 'auto'}}).encode()
    sock = socket.create_connection(('127.0.0.1', server.port), timeout=20)
    try:
        sock.sendall(b'POST /v1/segments HTTP/1.1\r\nHost: x\r\n'
                     b'Content-Type: application/json\r\n'
                     b'Content-Length: %d\r\n\r\n' % len(body)
                     + body[:10])
        # A complete request on another connection proves the server loop
        # has dispatched the (earlier) partial one to a worker.
        assert server.ready()
        server.proc.send_signal(signal.SIGTERM)
        sock.sendall(body[10:])
        reply = b''
        while b'\r\n\r\n' not in reply or not reply.rstrip().endswith(b'}'):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    finally:
        sock.close()
    assert reply.startswith(b'HTTP/1.1 201'), reply
    assert server.proc.wait(30) == 0
    server.proc = None


def test_workers_share_the_port(sqlite_server):
    server = sqlite_server(workers=2)
    try:
        assert waits.poll(
            lambda: len(_children(server.proc.pid)) == 2, 20)
        for _ in range(10):
            with urllib.request.urlopen(server.url + '/v1/segments') as r:
                assert r.status == 200
        with urllib.request.urlopen(server.url + '/healthcheck') as r:
            assert r.read() == b'OK'
        child = _children(server.proc.pid)[0]
        os.kill(child, signal.SIGKILL)
        assert waits.poll(
            lambda: child not in _children(server.proc.pid)
            and len(_children(server.proc.pid)) == 2, 20)
    finally:
        assert server.stop() == 0, server.log()


def _self_signed(tmp_path):
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / 'cert.pem', tmp_path / 'key.pem'
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def test_use_ssl(sqlite_server, tmp_path, monkeypatch):
    import ssl
    cert, key = _self_signed(tmp_path)
    monkeypatch.setattr(api_server.ApiServer, 'ready', _https_ready)
    server = sqlite_server(extra={
        'DEFAULT': {'use_ssl': 'true'},
        'ssl': {'cert_file': cert, 'key_file': key}})
    try:
        context = ssl.create_default_context(cafile=cert)
        context.check_hostname = False
        with urllib.request.urlopen(server.url.replace('http:', 'https:')
                                    + '/v1/segments', context=context) as r:
            assert r.status == 200
            assert json.load(r) == {'segments': []}
    finally:
        assert server.stop() == 0, server.log()


def _https_ready(self):
    import ssl
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(
                self.url.replace('http:', 'https:') + '/', timeout=1,
                context=context) as resp:
            return resp.status == 200
    except OSError:
        return False
