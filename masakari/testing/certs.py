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

"""A throw-away certificate authority for TLS tests.

:func:`make_pki` writes, under a directory, a CA certificate, a server
certificate for 127.0.0.1 and localhost and a client certificate, both
signed by that CA, with their keys (PEM, unencrypted). Needs the
``cryptography`` package (a test requirement).
"""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import pathlib


@dataclasses.dataclass(frozen=True)
class PKI:
    ca_file: str
    server_cert: str
    server_key: str
    client_cert: str
    client_key: str


def _key():
    from cryptography.hazmat.primitives.asymmetric import ec
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(directory: pathlib.Path, stem: str, cert, key) -> tuple[str, str]:
    from cryptography.hazmat.primitives import serialization
    cert_path = directory / f'{stem}.pem'
    key_path = directory / f'{stem}-key.pem'
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    key_path.chmod(0o600)
    return str(cert_path), str(key_path)


def make_pki(directory: str | pathlib.Path,
             host: str = '127.0.0.1') -> PKI:
    """Create the CA and the two certificates in ``directory``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID

    directory = pathlib.Path(directory)
    now = datetime.datetime.now(datetime.timezone.utc)
    validity = (now - datetime.timedelta(days=1),
                now + datetime.timedelta(days=2))
    ca_key = _key()
    ca_name = _name('masakari test CA')
    ca = (x509.CertificateBuilder().subject_name(ca_name)
          .issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(validity[0]).not_valid_after(validity[1])
          .add_extension(x509.BasicConstraints(ca=True, path_length=0),
                         critical=True)
          .add_extension(x509.KeyUsage(
              digital_signature=True, key_cert_sign=True, crl_sign=True,
              content_commitment=False, key_encipherment=False,
              data_encipherment=False, key_agreement=False,
              encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(
              ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))

    def issue(common_name: str, usage, names: list) -> tuple:
        key = _key()
        builder = (x509.CertificateBuilder().subject_name(_name(common_name))
                   .issuer_name(ca_name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(validity[0])
                   .not_valid_after(validity[1])
                   .add_extension(x509.BasicConstraints(ca=False,
                                                        path_length=None),
                                  critical=True)
                   .add_extension(x509.ExtendedKeyUsage([usage]),
                                  critical=False)
                   .add_extension(
                       x509.AuthorityKeyIdentifier.from_issuer_public_key(
                           ca_key.public_key()), critical=False))
        if names:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(names), critical=False)
        return builder.sign(ca_key, hashes.SHA256()), key

    server = issue(host, ExtendedKeyUsageOID.SERVER_AUTH,
                   [x509.IPAddress(ipaddress.ip_address(host)),
                    x509.DNSName('localhost')])
    client = issue('masakari test client', ExtendedKeyUsageOID.CLIENT_AUTH,
                   [])
    from cryptography.hazmat.primitives import serialization
    ca_path = directory / 'ca.pem'
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    server_cert, server_key = _write(directory, 'server', *server)
    client_cert, client_key = _write(directory, 'client', *client)
    return PKI(str(ca_path), server_cert, server_key, client_cert,
               client_key)
