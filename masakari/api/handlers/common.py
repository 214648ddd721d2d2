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

"""Small helpers every resource handler uses."""

from __future__ import annotations

from typing import Any

from oslo_utils import uuidutils

from masakari.api import microversion
from masakari import policy

RULE_PREFIX = 'os_masakari_api:'


def authorize(req: Any, resource: str, action: str) -> None:
    """403 unless the service's policy allows ``resource:action``."""
    policy.authorize(req.app.enforcer, req.context,
                     f'{RULE_PREFIX}{resource}:{action}')


def is_uuid_like(value: str) -> bool:
    return uuidutils.is_uuid_like(value)


def for_version(table: tuple[tuple[tuple[int, int], Any], ...],
                version: microversion.Version) -> Any:
    """The entry of ``table`` ((min_version, value), newest first)."""
    for minimum, value in table:
        if version >= minimum:
            return value
    raise LookupError(version)  # pragma: no cover - tables end at 1.0
