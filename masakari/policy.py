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

"""Policy enforcement (oslo.policy) with the rules of masakari.policies."""

from __future__ import annotations

import time
from typing import Any, Callable

from oslo_config import cfg
from oslo_policy import policy

from masakari import exception
from masakari import policies

# How long a policy file change (or a newly created file) may go unseen.
RECHECK_INTERVAL = 1.0


class Enforcer(policy.Enforcer):
    """An enforcer that looks at the policy files at most once a second.

    oslo.policy runs ``load_rules`` before every check; when the policy
    file or ``policy.d`` does not exist (the usual policy-in-code
    deployment) that searches every config directory again, which cost
    more than evaluating the rule.  A forced reload is never throttled.
    """

    def __init__(self, *args: Any,
                 clock: Callable[[], float] = time.monotonic,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock
        self._recheck_at: float | None = None
        self._decisions: dict[tuple, bool] = {}

    def load_rules(self, force_reload: bool = False) -> None:
        now = self._clock()
        if (force_reload or self._recheck_at is None or
                now >= self._recheck_at):
            super().load_rules(force_reload)
            # Rules may have changed: decisions are remade from here on.
            self._decisions = {}
            self._recheck_at = now + RECHECK_INTERVAL

    def clear(self) -> None:
        super().clear()
        self._recheck_at = None
        self._decisions = {}

    def decide(self, rule: str, target: dict, creds: Any) -> bool:
        """Whether ``rule`` allows ``creds`` on ``target``, remembered.

        A decision depends only on the rule, the target and the
        credentials, so it is kept until the rules are next (re)loaded,
        which happens at most every RECHECK_INTERVAL.  Evaluating the
        parsed rule tree was a tenth of a simple GET.  Unregistered rules
        raise ``PolicyNotRegistered`` as ``authorize`` does.
        """
        self.load_rules()
        values = (creds.to_policy_values()
                  if hasattr(creds, 'to_policy_values') else creds)
        key = _decision_key(rule, target, values)
        decisions = self._decisions
        if key is not None:
            known = decisions.get(key)
            if known is not None:
                return known
        allowed = bool(self.authorize(rule, target, dict(values),
                                      do_raise=False))
        if key is not None:
            if len(decisions) >= DECISIONS_MAX:
                decisions.clear()
            decisions[key] = allowed
        return allowed


# Distinct (rule, target, credentials) decisions kept between reloads.
DECISIONS_MAX = 4096


def _frozen(mapping: Any) -> tuple:
    return tuple(sorted(
        (key, tuple(value) if isinstance(value, (list, set)) else value)
        for key, value in mapping.items()))


def _decision_key(rule: str, target: Any, creds: Any) -> tuple | None:
    """A hashable key, or None when a value cannot be part of one."""
    try:
        key = (rule, _frozen(target), _frozen(creds))
        hash(key)
    except (TypeError, AttributeError):
        return None
    return key


def make_enforcer(conf: cfg.ConfigOpts, policy_file: str | None = None
                  ) -> Enforcer:
    """An enforcer with masakari's rules, its files loaded."""
    enforcer = Enforcer(conf, policy_file=policy_file)
    enforcer.register_defaults(policies.list_rules())
    enforcer.load_rules()
    return enforcer


def get_enforcer() -> policy.Enforcer:
    """Entry point for the oslopolicy-* tools (namespace ``masakari``)."""
    from masakari.common import config

    conf = cfg.ConfigOpts()
    config.set_lib_defaults()
    conf([], project='masakari')
    enforcer = policy.Enforcer(conf)
    enforcer.register_defaults(policies.list_rules())
    return enforcer


def _target(context: Any, target: dict | None) -> dict:
    if target is not None:
        return target
    return {'project_id': context.project_id, 'user_id': context.user_id}


def authorize(enforcer: Enforcer, context: Any, action: str,
              target: dict | None = None) -> None:
    """Raise PolicyNotAuthorized (403) unless ``action`` is allowed."""
    try:
        allowed = enforcer.decide(action, _target(context, target), context)
    except policy.PolicyNotRegistered:
        allowed = False
    if not allowed:
        raise exception.PolicyNotAuthorized(action=action)


def check(enforcer: Enforcer, context: Any, action: str,
          target: dict | None = None) -> bool:
    """True when ``action`` is allowed (no exception)."""
    return enforcer.decide(action, _target(context, target), context)


def check_is_admin(enforcer: Enforcer, context: Any) -> bool:
    """Evaluate ``context_is_admin`` against the context's credentials."""
    credentials = context.to_policy_values()
    target = {'project_id': context.project_id, 'user_id': context.user_id}
    return enforcer.decide('context_is_admin', target, credentials)
