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

"""Fixtures (shared by the API, policy and ha tests): a SQLite database,
the paste app, fakes."""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator

import pytest

from masakari.api import appctx
from masakari.api import loader
from masakari.api import server
from masakari.common import config
from masakari import conf as masakari_conf
from masakari.db import api as db_api
from masakari.db import models
from masakari.tests.unit.api import fakes

CONF = masakari_conf.CONF


@pytest.fixture
def conf() -> Iterator[Any]:
    config.parse_args(['masakari-api-test'], default_config_files=[])
    CONF.set_override('auth_strategy', 'noauth2')
    yield CONF
    CONF.reset()
    CONF.clear_override('auth_strategy')
    for name in ('osapi_max_limit', 'notification_delay_max'):
        CONF.clear_override(name)


@pytest.fixture
def database(tmp_path: Any) -> Iterator[db_api.DBAPI]:
    """The DB API on a fresh SQLite file with the tables created."""
    db = db_api.DBAPI(db_api.Database(
        f'sqlite:///{tmp_path}/masakari.sqlite'))
    models.Base.metadata.create_all(db.get_engine())
    yield db
    db.dispose()


@pytest.fixture
def engine_api() -> fakes.FakeEngineAPI:
    return fakes.FakeEngineAPI()


@pytest.fixture
def nova() -> fakes.FakeCompute:
    return fakes.FakeCompute({f'host{i}' for i in range(10)})


@pytest.fixture
def app_context(conf: Any, database: db_api.DBAPI, engine_api: Any,
                nova: Any) -> Iterator[appctx.AppContext]:
    """The application context with the test database and the fake engine
    and Nova."""
    context = appctx.AppContext(conf, db=database, engine_api=engine_api,
                                compute_checker=nova, background_casts=False)
    yield context
    context.close()


@pytest.fixture
def app(app_context: appctx.AppContext) -> Any:
    return loader.load_app(app_context)


@pytest.fixture
def client(app: Any) -> fakes.Client:
    return fakes.Client(app)


@pytest.fixture
def keystone_app(conf: Any, app_context: appctx.AppContext) -> Any:
    """The keystone pipeline with auth_token replaced by a pass-through."""
    conf.set_override('auth_strategy', 'keystone')
    from masakari.api import app as v1_app
    from masakari.api.middleware import auth
    from masakari.api.middleware import fault
    from masakari.api.middleware import urlmap
    v1 = fault.FaultWrapper(
        auth.KeystoneContext(v1_app.V1Application(app_context), app_context),
        app_context)
    return urlmap.URLMap({'/v1': v1})


@contextlib.contextmanager
def serving(app: Callable) -> Iterator[Any]:
    """The real API server on a free loopback port, in a thread; it is
    stopped (and its thread joined) on exit."""
    srv = server.make_server(CONF, app, host='127.0.0.1', port=0)
    srv.prepare()
    thread = threading.Thread(target=srv.serve, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.stop()
        thread.join(10)
    assert not thread.is_alive()
