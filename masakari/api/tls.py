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

"""TLS of masakari-api's own server (``[DEFAULT] use_ssl``).

The certificate, key and client CA come from ``[ssl]`` (``cert_file``,
``key_file``, ``ca_file``), or from the older ``[wsgi] ssl_*_file``
options when the ``[ssl]`` ones are unset. ``[ssl] ca_file`` means what
its help says: connecting clients must present a certificate signed by
that CA. ``[ssl] ciphers`` restricts the cipher list and ``[ssl] version``
raises the lowest protocol accepted; nothing older than TLS 1.2 is ever
offered, so the older names only log a warning.

Every problem is reported as :class:`TLSConfigError` before the server
binds, so a misconfigured API stops at once with one clear message.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import ssl
from typing import Any

LOG = logging.getLogger(__name__)

FLOOR = ssl.TLSVersion.TLSv1_2

# [ssl] version (lower case) -> lowest protocol version accepted.
MINIMUM_VERSIONS = {
    'tlsv1_2': ssl.TLSVersion.TLSv1_2,
    'tlsv1_3': ssl.TLSVersion.TLSv1_3,
    # "Whatever both sides support": TLS 1.2 and later here.
    'sslv23': FLOOR,
    'tls': FLOOR,
}
# Accepted for configuration files written for older servers; never
# offered.
BELOW_FLOOR = frozenset({'sslv2', 'sslv3', 'tlsv1', 'tlsv1_1'})


class TLSConfigError(RuntimeError):
    """The TLS options of masakari-api cannot be used."""


@dataclasses.dataclass(frozen=True)
class ServerTLS:
    cert_file: str
    key_file: str
    ca_file: str | None
    ciphers: str | None
    minimum_version: ssl.TLSVersion


def _minimum_version(value: str | None) -> ssl.TLSVersion:
    name = (value or '').strip().lower()
    if not name:
        return FLOOR
    if name in BELOW_FLOOR:
        LOG.warning('[ssl] version = %s: protocols older than TLS 1.2 are '
                    'not offered; TLS 1.2 is the minimum', value)
        return FLOOR
    if name not in MINIMUM_VERSIONS:
        raise TLSConfigError(
            f'[ssl] version = {value} is not valid; use one of '
            f'{", ".join(sorted(MINIMUM_VERSIONS))}')
    return MINIMUM_VERSIONS[name]


def settings(conf: Any) -> ServerTLS:
    """The server's TLS settings, files checked for existence."""
    cert = conf.ssl.cert_file or conf.wsgi.ssl_cert_file
    key = conf.ssl.key_file or conf.wsgi.ssl_key_file
    ca = conf.ssl.ca_file or conf.wsgi.ssl_ca_file
    if not cert or not key:
        raise TLSConfigError(
            'use_ssl is set but no certificate/key file is configured '
            '([ssl] cert_file and key_file)')
    for option, path in (('cert_file', cert), ('key_file', key),
                         ('ca_file', ca)):
        if path and not os.path.isfile(path):
            raise TLSConfigError(f'[ssl] {option}: no such file: {path}')
    return ServerTLS(cert, key, ca or None, conf.ssl.ciphers or None,
                     _minimum_version(conf.ssl.version))


def adapter(tls: ServerTLS) -> Any:
    """A cheroot TLS adapter for ``tls``; unusable files or ciphers
    raise TLSConfigError."""
    from cheroot.ssl import builtin
    try:
        result = builtin.BuiltinSSLAdapter(
            tls.cert_file, tls.key_file, tls.ca_file, tls.ciphers)
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise TLSConfigError(
            f'cannot use the TLS certificate {tls.cert_file} with key '
            f'{tls.key_file}'
            + (f' and ciphers {tls.ciphers!r}' if tls.ciphers else '')
            + f': {exc}') from None
    context = result.context
    context.minimum_version = tls.minimum_version
    if tls.ca_file:
        context.verify_mode = ssl.CERT_REQUIRED
    return result


def adapter_from_conf(conf: Any) -> Any:
    """The adapter for masakari-api's configuration."""
    return adapter(settings(conf))
