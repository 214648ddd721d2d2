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

"""Shared fixtures of the monitor tests."""

import os
import shutil

import pytest

from masakarimonitors.tests import confutils
from masakarimonitors.testing import fakeapi


def require_backend(available: bool, what: str) -> None:
    """Skip unless ``available``; in CI (MASAKARI_TEST_REQUIRE_BACKENDS=1)
    a missing backend is a failure instead."""
    if available:
        return
    if os.environ.get("MASAKARI_TEST_REQUIRE_BACKENDS") == "1":
        pytest.fail(f"{what} is required but not available")
    pytest.skip(f"{what} not available")


def have_binary(name: str) -> bool:
    return shutil.which(name) is not None


@pytest.fixture
def fake_api():
    api = fakeapi.FakeMasakariAPI().start()
    yield api
    api.stop()


@pytest.fixture
def make_conf(tmp_path):
    def factory(endpoint=None, **sections):
        return confutils.make_conf(tmp_path, endpoint, sections)
    return factory


@pytest.fixture(scope="session")
def libvirt_event_loop():
    """The one libvirt event loop of this test process.

    libvirt accepts its default event implementation once per process, so
    every manager that talks to a real libvirt in a test shares this one,
    as all managers of a daemon share the one of its context.
    """
    from masakarimonitors.common import libvirt_events
    return libvirt_events.EventLoop()
