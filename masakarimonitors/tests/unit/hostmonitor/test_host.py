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


class FakeNotifier:
    def __init__(self):
        self.reopened = 0

    def send(self, notification):
        return True

    def reopen(self):
        self.reopened += 1


def test_loads_configured_driver_and_runs_it():
    conf = fakes.make_conf(monitoring_driver="consul")
    notifier = FakeNotifier()
    loads = []
    drv = FakeDriver()

    def loader(name, conf, notifier):
        loads.append((name, conf, notifier))
        return drv

    mgr = host.HostmonitorManager(conf, notifier, loader=loader)
    mgr.init_host()
    mgr.main()
    mgr.stop()
    assert loads == [("consul", conf, notifier)] and drv.stopped
    # A SIGHUP restart reopens the notifier the stopped driver closed.
    assert notifier.reopened == 1


def test_entry_point_driver_gets_conf_and_notifier(monkeypatch):
    calls = []

    class Manager:
        def __init__(self, **kwargs):
            calls.append(kwargs)
            self.driver = "drv"

    monkeypatch.setattr(host.stevedore_driver, "DriverManager", Manager)
    assert host.load_driver("consul", "conf", "notifier") == "drv"
    [kwargs] = calls
    assert kwargs["name"] == "consul"
    assert kwargs["invoke_kwds"] == {"conf": "conf", "notifier": "notifier"}


def test_driver_load_failure_exits_the_process():
    exits = []

    def broken(name, conf, notifier):
        raise RuntimeError("no such driver")

    mgr = host.HostmonitorManager(fakes.make_conf(), FakeNotifier(),
                                  loader=broken, exit_process=exits.append)
    mgr.init_host()
    assert exits == [1]


def test_main_survives_driver_error():
    mgr = host.HostmonitorManager(
        fakes.make_conf(), FakeNotifier(),
        loader=lambda *_: FakeDriver(ValueError()))
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
