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

"""The WSGI entry point used by uwsgi/gunicorn."""

import os

import sqlalchemy as sa
import webob

from masakari import conf as masakari_conf
from masakari.db import models
from masakari.wsgi import api as wsgi_api

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                    '..', '..'))


def test_application_reads_config_lazily(tmp_path, monkeypatch):
    url = f'sqlite:///{tmp_path}/w.sqlite'
    engine = sa.create_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    config = tmp_path / 'masakari.conf'
    config.write_text(
        '[DEFAULT]\nauth_strategy = noauth2\n'
        f'[database]\nconnection = {url}\n'
        f'[wsgi]\napi_paste_config = '
        f'{REPO}/etc/masakari/api-paste.ini\n')
    monkeypatch.setenv('MASAKARI_CONFIG_FILES', str(config))
    application = wsgi_api.LazyApplication()
    try:
        resp = webob.Request.blank('/v1/segments').get_response(application)
        assert resp.status_int == 200
        assert resp.json == {'segments': []}
        first = application.get()
        webob.Request.blank('/').get_response(application)
        assert application.get() is first
    finally:
        masakari_conf.CONF.reset()


def test_config_files_default(monkeypatch):
    monkeypatch.delenv('MASAKARI_CONFIG_FILES', raising=False)
    expected = [wsgi_api.DEFAULT_CONFIG] if os.path.exists(
        wsgi_api.DEFAULT_CONFIG) else []
    assert wsgi_api._config_files() == expected
    monkeypatch.setenv('MASAKARI_CONFIG_FILES', 'a.conf,,b.conf')
    assert wsgi_api._config_files() == ['a.conf', 'b.conf']
