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
from types import SimpleNamespace
from typing import Any, Callable, Iterator

import pytest

from masakari.api import loader
from masakari.api import server
from masakari.common import config
from masakari import conf as masakari_conf
from masakari.db import api as db_api
from masakari.db import models
from masakari.ha import compute
from masakari.ha import notifications as ha_notifications
from masakari import notifications
from masakari import policy
from masakari.tests.unit.api import fakes

CONF = masakari_conf.CONF


@pytest.fixture
def conf() -> Iterator[Any]:
    config.parse_args(['masakari-api-test'], default_config_files=[])
    CONF.set_override('auth_strategy', 'noauth2')
    policy.reset()
    notifications.reset()
    yield CONF
    CONF.reset()
    CONF.clear_override('auth_strategy')
    for name in ('osapi_max_limit', 'notification_delay_max'):
        CONF.clear_override(name)
    policy.reset()


@pytest.fixture
def database(tmp_path: Any) -> Iterator[None]:
    db_api.configure(f'sqlite:///{tmp_path}/masakari.sqlite')
    models.Base.metadata.create_all(db_api.get_engine())
    yield
    db_api.dispose()


@pytest.fixture
def engine_api() -> Iterator[fakes.FakeEngineAPI]:
    fake = fakes.FakeEngineAPI()
    ha_notifications.set_intake(ha_notifications.Intake(engine_api=fake))
    yield fake
    ha_notifications.set_intake(None)


@pytest.fixture
def nova() -> Iterator[fakes.FakeCompute]:
    fake = fakes.FakeCompute({f'host{i}' for i in range(10)})
    compute.set_checker(fake)
    yield fake
    compute.set_checker(None)


@pytest.fixture
def app(conf: Any, database: None, engine_api: Any, nova: Any) -> Any:
    return loader.load_app(conf)


@pytest.fixture
def client(app: Any) -> fakes.Client:
    return fakes.Client(app)


@pytest.fixture
def keystone_app(conf: Any, database: None, engine_api: Any, nova: Any
                 ) -> Any:
    """The keystone pipeline with auth_token replaced by a pass-through."""
    conf.set_override('auth_strategy', 'keystone')
    from masakari.api import app as v1_app
    from masakari.api.middleware import auth
    from masakari.api.middleware import fault
    from masakari.api.middleware import urlmap
    v1 = fault.FaultWrapper(auth.KeystoneContext(v1_app.V1Application()))
    return urlmap.URLMap({'/v1': v1})


@contextlib.contextmanager
def serving(app: Callable) -> Iterator[Any]:
    """The real API server on a free loopback port, in a thread; it is
    stopped (and its thread joined) on exit."""
    conf = SimpleNamespace(masakari_api_listen='127.0.0.1',
                           masakari_api_listen_port=0)
    srv = server.make_server(conf, app)
    srv.prepare()
    thread = threading.Thread(target=srv.serve, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.stop()
        thread.join(10)
    assert not thread.is_alive()
