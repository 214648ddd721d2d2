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

"""Helpers to run engine code against the cloud simulator in scaled time."""

from __future__ import annotations

import contextlib

from masakari.compute import nova
from masakari.compute import session as nova_session
from masakari.engine.drivers import taskflow as tf_driver
from masakari.testing.cloud import CloudSimulator, Timings
from masakari.testing import clock_fakes
from masakari.testing import nova_conf


# The engine's clock on the simulator's scaled time.
SimEngineClock = clock_fakes.ScaledEngineClock


FAST = Timings(rebuild=2.0, rebuild_claim=0.5, stop=1.0, start=1.0,
               report_interval=5.0, service_down_time=20.0)


@contextlib.contextmanager
def cloud(scale: float = 50.0, timings: Timings = FAST, **kwargs):
    with CloudSimulator(scale=scale, timings=timings, **kwargs) as sim:
        yield sim


@contextlib.contextmanager
def two_host_cloud(**kwargs):
    """A simulated cloud with the compute hosts h1 and h2."""
    with cloud(**kwargs) as sim:
        sim.add_host("h1")
        sim.add_host("h2")
        yield sim


def driver(conf, sim) -> tf_driver.TaskFlowDriver:
    """A taskflow driver on in-memory persistence, talking to ``sim``."""
    return tf_driver.TaskFlowDriver(conf=conf, nova_api=nova_api(conf, sim),
                                    backend_url="memory://")


def configure(conf, sim) -> None:
    """Point conf's privileged Nova user at the simulator."""
    nova_conf.use_simulator(conf, sim)


def nova_api(conf, sim):
    configure(conf, sim)
    return nova.API(conf=conf, sessions=nova_session.SessionCache())
