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

"""The enforcer looks at the policy files at most once per interval."""

from oslo_config import cfg
from oslo_policy import policy as oslo_policy

from masakari import policy

RULE = 'os_masakari_api:segments:index'
CREDS = {'roles': ['member'], 'project_id': 'p', 'user_id': 'u'}
TARGET = {'project_id': 'p', 'user_id': 'u'}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make(tmp_path, clock):
    conf = cfg.ConfigOpts()
    conf([], project='masakari-test')
    path = tmp_path / 'policy.yaml'
    enforcer = policy.Enforcer(conf, policy_file=str(path), clock=clock)
    enforcer.register_default(
        oslo_policy.RuleDefault(RULE, 'role:admin'))
    return enforcer, path


def allowed(enforcer) -> bool:
    return bool(enforcer.enforce(RULE, TARGET, CREDS))


def test_new_policy_file_is_seen_after_the_interval(tmp_path):
    clock = Clock()
    enforcer, path = make(tmp_path, clock)
    assert not allowed(enforcer)
    path.write_text(f'"{RULE}": "role:member"\n')
    clock.now += policy.RECHECK_INTERVAL / 2
    assert not allowed(enforcer)  # not looked at yet
    clock.now += policy.RECHECK_INTERVAL
    assert allowed(enforcer)


def test_policy_file_is_not_searched_within_the_interval(tmp_path,
                                                         monkeypatch):
    clock = Clock()
    enforcer, _ = make(tmp_path, clock)
    allowed(enforcer)
    searches = []
    real = enforcer._get_policy_path
    monkeypatch.setattr(enforcer, '_get_policy_path',
                        lambda p: searches.append(p) or real(p))
    for _ in range(5):
        allowed(enforcer)
    assert searches == []
    clock.now += policy.RECHECK_INTERVAL
    allowed(enforcer)
    assert searches


def test_forced_reload_and_clear_are_not_throttled(tmp_path):
    clock = Clock()
    enforcer, path = make(tmp_path, clock)
    assert not allowed(enforcer)
    path.write_text(f'"{RULE}": "role:member"\n')
    enforcer.load_rules(force_reload=True)
    assert allowed(enforcer)
    path.write_text(f'"{RULE}": "role:admin"\n')
    enforcer.clear()
    enforcer.register_default(
        oslo_policy.RuleDefault(RULE, 'role:admin'))
    assert not allowed(enforcer)


def decided(enforcer, creds=None, target=None) -> bool:
    return enforcer.decide(RULE, target or TARGET, creds or CREDS)


def test_decisions_are_remembered_until_the_rules_reload(tmp_path,
                                                         monkeypatch):
    clock = Clock()
    enforcer, path = make(tmp_path, clock)
    assert not decided(enforcer)
    evaluations = []
    real = enforcer.authorize
    monkeypatch.setattr(enforcer, 'authorize',
                        lambda *a, **k: evaluations.append(a) or real(*a, **k))
    assert not decided(enforcer)
    assert evaluations == []  # remembered
    path.write_text(f'"{RULE}": "role:member"\n')
    clock.now += policy.RECHECK_INTERVAL
    assert decided(enforcer)  # the reload dropped what was remembered
    assert len(evaluations) == 1


def test_decisions_depend_on_credentials_and_target(tmp_path):
    clock = Clock()
    enforcer, path = make(tmp_path, clock)
    path.write_text(f'"{RULE}": "role:member and project_id:%(project_id)s"\n')
    enforcer.load_rules(force_reload=True)
    assert decided(enforcer)
    assert not decided(enforcer, creds=dict(CREDS, roles=['reader']))
    assert not decided(enforcer, target=dict(TARGET, project_id='other'))
    assert decided(enforcer)
    # Unhashable values are evaluated, never remembered or refused.
    assert decided(enforcer, target=dict(TARGET, extra={'a': 1}))


def test_unregistered_rule_is_not_decided(tmp_path):
    enforcer, _ = make(tmp_path, Clock())
    try:
        enforcer.decide('os_masakari_api:no-such-rule', TARGET, CREDS)
    except oslo_policy.PolicyNotRegistered:
        pass
    else:
        raise AssertionError('an unregistered rule was decided')
