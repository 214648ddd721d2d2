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

from masakarimonitors.introspectiveinstancemonitor import state


def run(results, threshold=3, discovery_timeout=0, step=10.0):
    journal = state.Journal(since=0.0)
    reports = []
    for i, ok in enumerate(results, start=1):
        if state.process(journal, ok, i * step, threshold,
                         discovery_timeout):
            reports.append(i)
    return journal, reports


def test_report_on_fifth_failure_after_healthy():
    journal, reports = run([True] + [False] * 6)
    assert reports == [6]         # 1 healthy ping + threshold + 2 failures
    assert journal.state == state.REPORTED
    assert journal.sent


def test_recovery_before_threshold_is_not_reported():
    journal, reports = run([True, False, False, False, True, False, False])
    assert reports == []
    assert journal.state == state.ERROR
    assert journal.failed_count == 2


def test_reported_once_then_rearmed_when_healthy_again():
    results = [True] + [False] * 8 + [True, True] + [False] * 5
    _, reports = run(results)
    assert reports == [6, 16]


def test_reported_goes_back_to_discovery_on_ping():
    journal, _ = run([True] + [False] * 5 + [True])
    assert journal.state == state.DISCOVERY
    assert journal.since == 70.0


def test_never_answering_guest_is_reported_after_discovery_timeout():
    journal, reports = run([False] * 40, discovery_timeout=300)
    assert reports == [30]        # t = 300 s
    assert journal.state == state.REPORTED


def test_never_answering_guest_ignored_when_disabled():
    journal, reports = run([False] * 40, discovery_timeout=0)
    assert reports == []
    assert journal.state == state.DISCOVERY


@pytest.mark.parametrize("start, event, end", [
    (state.DISCOVERY, state.PINGABLE, state.HEALTHY),
    (state.DISCOVERY, state.NOT_PINGABLE, state.DISCOVERY),
    (state.HEALTHY, state.NOT_PINGABLE, state.ERROR),
    (state.ERROR, state.PINGABLE, state.HEALTHY),
    (state.ERROR, state.REPORT, state.REPORTED),
    (state.REPORTED, state.PINGABLE, state.DISCOVERY),
    (state.REPORTED, state.NOT_PINGABLE, state.REPORTED),
    (state.HEALTHY, state.REPORT, state.HEALTHY),
])
def test_transitions(start, event, end):
    journal = state.Journal(since=0.0, state=start)
    assert journal.feed(event, 1.0) == end


# Every cell of the transition table: (state, input) -> next state. Pairs
# not listed leave the state unchanged, except (discovery, report), which
# reports a guest whose agent never answered.
TRANSITIONS = {
    (state.DISCOVERY, state.PINGABLE): state.HEALTHY,
    (state.DISCOVERY, state.NOT_PINGABLE): state.DISCOVERY,
    (state.DISCOVERY, state.REPORT): state.REPORTED,
    (state.HEALTHY, state.PINGABLE): state.HEALTHY,
    (state.HEALTHY, state.NOT_PINGABLE): state.ERROR,
    (state.HEALTHY, state.REPORT): state.HEALTHY,
    (state.ERROR, state.PINGABLE): state.HEALTHY,
    (state.ERROR, state.NOT_PINGABLE): state.ERROR,
    (state.ERROR, state.REPORT): state.REPORTED,
    (state.REPORTED, state.PINGABLE): state.DISCOVERY,
    (state.REPORTED, state.NOT_PINGABLE): state.REPORTED,
    (state.REPORTED, state.REPORT): state.REPORTED,
}


@pytest.mark.parametrize("key", sorted(TRANSITIONS))
def test_complete_transition_table(key):
    start, event = key
    journal = state.Journal(since=0.0, state=start)
    assert journal.feed(event, 1.0) == TRANSITIONS[key]


@pytest.mark.parametrize("threshold, report_at", [(0, 3), (1, 4), (3, 6),
                                                  (5, 8)])
def test_report_after_threshold_plus_two_failures(threshold, report_at):
    # One healthy ping, then failures: reported at failure threshold + 2.
    _, reports = run([True] + [False] * 10, threshold=threshold)
    assert reports == [report_at]
