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

"""masakari.api.tls: the API server's TLS settings from its options."""

import logging
import ssl

from oslo_config import cfg
import pytest

from masakari.api import tls
from masakari import conf as masakari_conf
from masakari.testing import certs


@pytest.fixture(scope='module')
def pki(tmp_path_factory):
    return certs.make_pki(tmp_path_factory.mktemp('pki'))


def _conf(**overrides):
    conf = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(conf)
    conf([], project='masakari-test', default_config_files=[])
    for name, value in overrides.items():
        group, _, option = name.rpartition('.')
        conf.set_override(option, value, group=group or None)
    return conf


def _server_conf(pki, **overrides):
    return _conf(**{'ssl.cert_file': pki.server_cert,
                    'ssl.key_file': pki.server_key, **overrides})


def test_defaults_floor_at_tls_1_2_without_client_certificates(pki):
    adapter = tls.adapter_from_conf(_server_conf(pki))
    assert adapter.context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert adapter.context.verify_mode == ssl.CERT_NONE


def test_ca_file_requires_client_certificates(pki):
    adapter = tls.adapter_from_conf(_server_conf(pki, **{
        'ssl.ca_file': pki.ca_file}))
    assert adapter.context.verify_mode == ssl.CERT_REQUIRED


def test_wsgi_options_are_the_fallback(pki):
    options = {'ssl_cert_file': pki.server_cert,
               'ssl_key_file': pki.server_key, 'ssl_ca_file': pki.ca_file}
    conf = _conf(**{f'wsgi.{k}': v for k, v in options.items()})
    try:
        settings = tls.settings(conf)
    finally:
        # Overrides of [wsgi] are kept by its OptGroup object, which
        # every ConfigOpts shares: leave none behind for other tests.
        for name in options:
            conf.clear_override(name, group='wsgi')
    assert (settings.cert_file, settings.key_file, settings.ca_file) == (
        pki.server_cert, pki.server_key, pki.ca_file)


@pytest.mark.parametrize('version, expected', [
    ('TLSv1_3', ssl.TLSVersion.TLSv1_3),
    ('tlsv1_2', ssl.TLSVersion.TLSv1_2),
    ('SSLv23', ssl.TLSVersion.TLSv1_2),
])
def test_version_sets_the_minimum(pki, version, expected):
    adapter = tls.adapter_from_conf(_server_conf(pki, **{
        'ssl.version': version}))
    assert adapter.context.minimum_version == expected


def test_versions_below_tls_1_2_are_not_offered(pki, caplog):
    caplog.set_level(logging.WARNING, logger='masakari.api.tls')
    adapter = tls.adapter_from_conf(_server_conf(pki, **{
        'ssl.version': 'TLSv1'}))
    assert adapter.context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert 'TLS 1.2 is the minimum' in caplog.text


def test_unknown_version_is_refused(pki):
    with pytest.raises(tls.TLSConfigError, match='version = TLSv9'):
        tls.settings(_server_conf(pki, **{'ssl.version': 'TLSv9'}))


def test_ciphers_are_applied(pki):
    adapter = tls.adapter_from_conf(_server_conf(pki, **{
        'ssl.ciphers': 'ECDHE-ECDSA-AES256-GCM-SHA384'}))
    names = {c['name'] for c in adapter.context.get_ciphers()
             if c['protocol'] == 'TLSv1.2'}
    assert names == {'ECDHE-ECDSA-AES256-GCM-SHA384'}


def test_unusable_ciphers_are_a_config_error(pki):
    with pytest.raises(tls.TLSConfigError, match='ciphers'):
        tls.adapter_from_conf(_server_conf(pki, **{
            'ssl.ciphers': 'NO-SUCH-CIPHER'}))


@pytest.mark.parametrize('option', ['cert_file', 'key_file', 'ca_file'])
def test_missing_files_are_named(pki, tmp_path, option):
    missing = str(tmp_path / 'missing.pem')
    with pytest.raises(tls.TLSConfigError,
                       match=f'{option}: no such file'):
        tls.settings(_server_conf(pki, **{f'ssl.{option}': missing}))


def test_mismatched_key_is_a_config_error(pki):
    with pytest.raises(tls.TLSConfigError, match='cannot use'):
        tls.adapter_from_conf(_server_conf(pki, **{
            'ssl.key_file': pki.client_key}))


def test_certificate_and_key_are_required():
    with pytest.raises(tls.TLSConfigError, match='cert_file'):
        tls.settings(_conf())
