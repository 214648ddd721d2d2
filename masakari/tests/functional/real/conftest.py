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

"""Fixtures of the real tier: the bed, admin access to Nova, and one
masakari-api + masakari-engine pair for the whole session."""

from __future__ import annotations

import pytest

from masakari.testing import openstack_bed
from masakari.tests.functional.real import deployment as dep_mod


@pytest.fixture(scope='session')
def bed() -> openstack_bed.Bed:
    return dep_mod.load_bed()


@pytest.fixture(scope='session')
def admin_token(bed: openstack_bed.Bed) -> str:
    return bed.token('admin', 'admin')


@pytest.fixture(scope='session')
def nova(bed: openstack_bed.Bed, admin_token: str) -> openstack_bed.Nova:
    return openstack_bed.Nova(bed, admin_token)


@pytest.fixture(scope='session')
def masakari(bed, admin_token):
    dep = dep_mod.RealDeployment(bed, admin_token, extra={'DEFAULT': {
        'retry_notification_new_status_interval': 5}})
    try:
        dep.start_api()
        dep.start_engine()
        yield dep
    finally:
        dep.stop()


@pytest.fixture
def segment(masakari, bed):
    """A fresh auto-recovery segment holding every bed host."""
    seg = masakari.make_segment(bed.hosts)
    yield seg
    masakari.delete_segment(seg)
