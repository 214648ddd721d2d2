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

from masakari.testing.cloud.faults import Fault, FaultInjector
from masakari.testing.cloud.journal import Journal


def _record(journal, kind, method='GET', path='/x', action=None):
    return journal.record(time=0.0, service='compute', kind=kind,
                          method=method, path=path, query={}, body=None,
                          status=200, action=action)


def test_journal_filters_and_clear():
    journal = Journal()
    first = _record(journal, 'compute.server.show')
    _record(journal, 'compute.server.action', 'POST', '/servers/a/action',
            'lock')
    _record(journal, 'identity.token.create', 'POST', '/v3/auth/tokens')
    assert len(journal) == 3
    assert [e.action for e in journal.entries(kind='compute.server.action')] \
        == ['lock']
    assert len(journal.entries(kind='compute.*')) == 2
    assert len(journal.entries(path='/servers/*/action')) == 1
    assert len(journal.entries(method='post')) == 2
    assert [e.seq for e in journal.entries(since=first.seq)] == [2, 3]
    journal.clear()
    assert journal.entries() == []
    assert journal.last_seq() == 3


def test_fault_consumed_after_times():
    faults = FaultInjector()
    faults.add(kind='compute.server.action', action='evacuate', status=500,
               times=2)
    assert faults.take('compute.server.action', 'lock', 'POST', '/p') is None
    assert faults.take('compute.server.action', 'evacuate', 'POST',
                       '/p').status == 500
    assert faults.take('compute.server.action', 'evacuate', 'POST', '/p')
    assert faults.take('compute.server.action', 'evacuate', 'POST',
                       '/p') is None


def test_fault_forever_and_path_pattern():
    faults = FaultInjector()
    faults.add(method='get', path='/v2.1/os-services*', latency=1.0,
               times=None)
    for _ in range(5):
        assert faults.take('k', None, 'GET', '/v2.1/os-services').latency
    assert faults.take('k', None, 'PUT', '/v2.1/os-services/x') is None
    faults.clear()
    assert faults.list() == []


@pytest.mark.parametrize('kwargs', [
    {'times': 0}, {'status': 200}, {'status': 500, 'drop': True},
    {'latency': -1}])
def test_invalid_faults_rejected(kwargs):
    with pytest.raises(ValueError):
        Fault(**kwargs)


def test_rebuild_faults_match_server_and_target():
    faults = FaultInjector()
    faults.add_rebuild(mode='fail', server_id='s1')
    faults.add_rebuild(mode='hang', target_host='h2', times=None)
    assert faults.take_rebuild('s2', 'h1') is None
    assert faults.take_rebuild('s1', 'h1') == 'fail'
    assert faults.take_rebuild('s1', 'h1') is None
    assert faults.take_rebuild('s3', 'h2') == 'hang'
    assert faults.take_rebuild('s4', 'h2') == 'hang'
    with pytest.raises(ValueError):
        faults.add_rebuild(mode='explode')
