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

from masakarimonitors.hostmonitor import host
from masakarimonitors.tests.unit.hostmonitor import fakes


class FakeDriver:
    def __init__(self, error=None):
        self.error = error
        self.stopped = False

    def monitor_hosts(self):
        if self.error:
            raise self.error

    def stop(self):
        self.stopped = True


def test_loads_configured_driver_and_runs_it():
    conf = fakes.make_conf(monitoring_driver="consul")
    names = []
    drv = FakeDriver()
    mgr = host.HostmonitorManager(
        conf=conf, loader=lambda name: names.append(name) or drv)
    mgr.init_host()
    mgr.main()
    mgr.stop()
    assert names == ["consul"] and drv.stopped


def test_driver_load_failure_exits_the_process():
    exits = []

    def broken(name):
        raise RuntimeError("no such driver")

    mgr = host.HostmonitorManager(conf=fakes.make_conf(), loader=broken,
                                  exit_process=exits.append)
    mgr.init_host()
    assert exits == [1]


def test_main_survives_driver_error():
    mgr = host.HostmonitorManager(conf=fakes.make_conf(),
                                  loader=lambda n: FakeDriver(ValueError()))
    mgr.init_host()
    mgr.main()  # logged, not raised


@pytest.mark.parametrize("name,cls", [
    ("default", "HandleHost"), ("simple", "HandleHost"),
    ("consul", "ConsulCheck"), ("kubernetes", "KubernetesCheck")])
def test_entry_points_are_declared(name, cls):
    from importlib import metadata

    eps = {ep.name: ep.value for ep in
           metadata.entry_points(group=host.NAMESPACE)}
    if not eps:
        pytest.skip("package not installed (pip install -e .)")
    assert eps[name].endswith(":" + cls)
