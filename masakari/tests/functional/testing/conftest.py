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

import pytest

from masakari.testing.cloud import CloudSimulator, ManualClock, Timings

TIMINGS = Timings(rebuild=30, rebuild_claim=2, stop=5, start=5,
                  report_interval=10, service_down_time=60, rpc_timeout=60)


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def cloud(clock):
    """A started simulator on a manual clock with three compute hosts."""
    with CloudSimulator(clock=clock, timings=TIMINGS) as sim:
        for name in ('compute1', 'compute2', 'compute3'):
            sim.add_host(name)
        yield sim


@pytest.fixture
def nova(cloud):
    """python-novaclient at masakari's microversion, as admin."""
    return cloud.nova_client('2.53')


def host_down(cloud, clock, name):
    """Kill ``name`` and let Nova notice (service_down_time passes)."""
    cloud.kill_host(name)
    clock.advance(TIMINGS.service_down_time + TIMINGS.report_interval + 1)
