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

"""While the database is gone the API answers 503, whatever layer
noticed (oslo.db or the DB-API driver through SQLAlchemy)."""

import pytest
from oslo_db import exception as db_exc
from sqlalchemy import exc as sa_exc

from masakari.api import app as app_mod

REFUSED = Exception('connection to server at "127.0.0.1", port 5432 '
                    'failed: Connection refused')


@pytest.mark.parametrize('error', [
    db_exc.DBConnectionError('gone'),
    # psycopg2 on libpq 15: not recognised by oslo.db
    sa_exc.OperationalError('SELECT 1', {}, REFUSED),
    sa_exc.InterfaceError('SELECT 1', {}, Exception("(0, '')")),
], ids=['oslo.db', 'operational', 'interface'])
def test_database_errors_are_503(client, monkeypatch, error):
    def dispatch(*args, **kwargs):
        raise error

    monkeypatch.setattr(app_mod.V1Application, '_dispatch', dispatch)
    resp = client.get('/v1/segments')
    assert resp.fault() == ('serviceUnavailable', 503,
                            app_mod.DB_UNAVAILABLE)


def test_other_errors_stay_500(client, monkeypatch):
    def dispatch(*args, **kwargs):
        raise sa_exc.ArgumentError('a bug')

    monkeypatch.setattr(app_mod.V1Application, '_dispatch', dispatch)
    resp = client.get('/v1/segments')
    assert resp.status == 500
