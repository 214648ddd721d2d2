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

from masakari.testing.cloud.clock import ManualClock
from masakari.testing.cloud.compute_model import Compute, Timings
from masakari.testing.cloud.faults import FaultInjector

T = Timings(rebuild=30, rebuild_claim=2, stop=5, start=5,
            report_interval=10, service_down_time=60, rpc_timeout=60)


@pytest.fixture
def env():
    clock = ManualClock(start=1000.0)
    compute = Compute(clock, T, FaultInjector())
    for name in ('h1', 'h2', 'h3'):
        compute.add_host(name)
    return clock, compute


def _state(compute, server):
    compute.settle()
    return server.vm_state, server.task_state, server.host


def test_killed_host_stays_up_until_service_down_time(env):
    clock, compute = env
    svc = compute.hosts['h1'].service
    clock.advance(25)                       # last report at +20
    compute.kill_host('h1')
    assert compute.service_updated_at(svc) == 1020.0
    clock.advance(55)                       # 60 s after last report
    assert compute.service_is_up(svc)
    clock.advance(1)
    assert not compute.service_is_up(svc)
    compute.revive_host('h1')
    assert compute.service_is_up(svc)


def test_forced_down_is_down_at_once(env):
    _, compute = env
    svc = compute.hosts['h1'].service
    svc.forced_down = True
    assert not compute.service_is_up(svc)
    assert compute.hosts['h2'].service.forced_down is False


def test_evacuate_timeline(env):
    clock, compute = env
    vm = compute.add_server('h1')
    compute.hosts['h1'].service.forced_down = True
    compute.evacuate(vm, None, False, 'active')
    assert _state(compute, vm) == ('active', 'rebuilding', 'h1')
    clock.advance(2)
    vm_state, task, host = _state(compute, vm)
    assert (vm_state, task) == ('active', 'rebuild_spawning')
    assert host in ('h2', 'h3') and vm.node == host
    clock.advance(27.9)
    assert _state(compute, vm)[1] == 'rebuild_spawning'
    clock.advance(0.1)
    assert _state(compute, vm) == ('active', None, host)
    assert vm.id in compute.hosts[host].servers
    assert vm.id not in compute.hosts['h1'].servers


def test_evacuate_to_stopped(env):
    clock, compute = env
    vm = compute.add_server('h1', vm_state='stopped')
    compute.evacuate(vm, 'h3', False, 'stopped')
    clock.advance(30)
    assert _state(compute, vm) == ('stopped', None, 'h3')
    assert vm.power_state == 4


def test_scheduler_spreads_by_free_ram_and_skips_disabled(env):
    _, compute = env
    compute.add_server('h2', flavor='m1.xlarge')
    vm = compute.add_server('h1')
    assert compute.schedule(vm, None) == 'h3'
    compute.hosts['h3'].service.status = 'disabled'
    assert compute.schedule(vm, None) == 'h2'
    compute.hosts['h2'].service.forced_down = True
    assert compute.schedule(vm, None) is None


def test_no_capacity_ends_in_error(env):
    clock, compute = env
    for name in ('h2', 'h3'):
        compute.hosts[name].vcpus = 1
        compute.hosts[name].cpu_allocation_ratio = 1.0
        compute.add_server(name, flavor='m1.tiny')
    vm = compute.add_server('h1')
    compute.evacuate(vm, None, False, 'active')
    clock.advance(2)
    assert _state(compute, vm) == ('error', None, 'h1')
    assert 'No valid host' in vm.fault['message']


def test_claims_count_against_capacity(env):
    _, compute = env
    compute.hosts['h2'].vcpus = 1
    compute.hosts['h2'].cpu_allocation_ratio = 1.0
    compute.hosts['h3'].service.status = 'disabled'
    a = compute.add_server('h1', flavor='m1.tiny')
    b = compute.add_server('h1', flavor='m1.tiny')
    compute.evacuate(a, None, False, 'active')
    assert a.dest == 'h2'
    assert compute.schedule(b, None) is None


def test_rebuild_fault_fail_and_hang(env):
    clock, compute = env
    compute.faults.add_rebuild(mode='fail', times=1)
    compute.faults.add_rebuild(mode='hang', times=1)
    a = compute.add_server('h1')
    b = compute.add_server('h1')
    compute.evacuate(a, 'h2', False, 'active')
    compute.evacuate(b, 'h2', False, 'active')
    clock.advance(1000)
    assert _state(compute, a) == ('error', None, 'h2')
    assert _state(compute, b) == ('active', 'rebuild_spawning', 'h2')


def test_reset_state_cancels_rebuild(env):
    clock, compute = env
    vm = compute.add_server('h1')
    compute.evacuate(vm, 'h2', False, 'active')
    compute.reset_state(vm, 'error')
    clock.advance(100)
    assert _state(compute, vm) == ('error', None, 'h1')
    assert not compute.hosts['h2'].claims


def test_stop_start(env):
    clock, compute = env
    vm = compute.add_server('h1')
    compute.stop(vm)
    assert _state(compute, vm)[:2] == ('active', 'powering-off')
    clock.advance(5)
    assert _state(compute, vm)[:2] == ('stopped', None)
    compute.start(vm)
    clock.advance(5)
    assert _state(compute, vm)[:2] == ('active', None)
    assert vm.power_state == 1


def test_stop_on_dead_host_waits_for_restart(env):
    clock, compute = env
    vm = compute.add_server('h1')
    compute.kill_host('h1')
    compute.stop(vm)
    clock.advance(1000)
    assert _state(compute, vm)[:2] == ('active', 'powering-off')
    compute.revive_host('h1')
    clock.advance(5)
    assert _state(compute, vm)[:2] == ('stopped', None)


def test_add_server_validation(env):
    _, compute = env
    with pytest.raises(ValueError):
        compute.add_server('nope')
    with pytest.raises(ValueError):
        compute.add_server('h1', vm_state='bogus')
    with pytest.raises(ValueError):
        compute.add_server('h1', flavor='m9.huge')
    vm = compute.add_server('h1', server_id='x')
    with pytest.raises(ValueError):
        compute.add_server('h1', server_id=vm.id)
    with pytest.raises(ValueError):
        compute.add_host('h1')


def test_remove_server(env):
    _, compute = env
    vm = compute.add_server('h1')
    compute.remove_server(vm.id)
    assert vm.id not in compute.servers
    assert not compute.hosts['h1'].servers


def test_host_status(env):
    clock, compute = env
    vm = compute.add_server('h1')
    assert compute.host_status(vm) == 'UP'
    compute.hosts['h1'].service.status = 'disabled'
    assert compute.host_status(vm) == 'MAINTENANCE'
    compute.kill_host('h1')
    clock.advance(100)
    assert compute.host_status(vm) == 'UNKNOWN'
    compute.hosts['h1'].service.forced_down = True
    assert compute.host_status(vm) == 'DOWN'


def test_timings_reject_negative():
    with pytest.raises(ValueError):
        Timings(rebuild=-1)
