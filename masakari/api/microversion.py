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

"""Microversion negotiation for the ``instance-ha`` service type."""

from __future__ import annotations

import re
from typing import NamedTuple

from masakari.api import errors

SERVICE_TYPE = 'instance-ha'
HEADER = 'OpenStack-API-Version'
VARY = 'Vary'

# What changed in each microversion (documentation only; gates are data in
# the handler modules).
HISTORY = {
    '1.0': 'Initial API.',
    '1.1': 'GET /notifications/{id} returns recovery_workflow_details.',
    '1.2': 'Segments accept "enabled" in create and update bodies.',
    '1.3': 'VM moves (the routes themselves are not gated).',
    '1.4': 'Recovery plans: GET /segments/{segment_id}/recovery_plans and '
           '/recovery_plans/{host_id} (with enable_recovery_plan_api).',
}

_FORMAT = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)$')


class Version(NamedTuple):
    major: int
    minor: int

    def __str__(self) -> str:
        return f'{self.major}.{self.minor}'


MIN_VERSION = Version(1, 0)
MAX_VERSION = Version(1, 4)
# The highest version without enable_recovery_plan_api (upstream's).
UPSTREAM_MAX_VERSION = Version(1, 3)
DEFAULT_VERSION = MIN_VERSION
# Controllers that exist from a microversion on: below it (or with a bad
# version header) their routes answer as if they were not there.
CONTROLLER_MIN_VERSION = {'recovery_plans': Version(1, 4)}


def maximum(conf) -> Version:
    """The highest version this service offers with ``conf``."""
    if getattr(conf, 'enable_recovery_plan_api', False):
        return MAX_VERSION
    return UPSTREAM_MAX_VERSION


def parse(text: str) -> Version:
    """Parse ``MajorNum.MinorNum``; a 400 ApiError for anything else."""
    match = _FORMAT.match(text)
    if not match:
        raise errors.ApiError(
            400, f'API Version String {text} is of invalid format. Must be of '
                 'format MajorNum.MinorNum.')
    return Version(int(match.group(1)), int(match.group(2)))


def requested(header_value: str | None) -> str | None:
    """The raw version our service type asks for, or None when absent.

    The header may name several services separated by commas; the service
    type match is case-insensitive. A bare service type yields ''.
    """
    if not header_value:
        return None
    found = None
    for item in header_value.split(','):
        parts = item.strip().split(None, 1)
        if parts and parts[0].lower() == SERVICE_TYPE:
            found = parts[1].strip() if len(parts) > 1 else ''
    return found


def negotiate(header_value: str | None,
              highest: Version = UPSTREAM_MAX_VERSION) -> Version:
    """Effective version for a request header (400/406 ApiError on error);
    ``highest``: the service's maximum (see :func:`maximum`)."""
    raw = requested(header_value)
    if not raw:
        return DEFAULT_VERSION
    if raw == 'latest':
        return highest
    version = parse(raw)
    if not MIN_VERSION <= version <= highest:
        raise errors.ApiError(
            406, f'Version {raw} is not supported by the API. Minimum is '
                 f'{MIN_VERSION} and maximum is {highest}.',
            headers={VARY: HEADER})
    return version


def response_headers(version: Version) -> dict[str, str]:
    return {HEADER: f'{SERVICE_TYPE} {version}', VARY: HEADER}
