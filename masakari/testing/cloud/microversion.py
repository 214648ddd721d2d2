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

"""Compute API microversion negotiation (nova.api.openstack.api_version)."""

from __future__ import annotations

import re

from masakari.testing.cloud.errors import SimError

MIN_VERSION = (2, 1)
DEFAULT_MAX_VERSION = (2, 96)
_FORMAT = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)$')

RESPONSE_HEADERS = ('OpenStack-API-Version', 'X-OpenStack-Nova-API-Version')


def parse(text: str) -> tuple[int, int]:
    found = _FORMAT.match(text.strip())
    if not found:
        raise SimError(400, 'API Version String %s is of invalid format. Must '
                       'be of format MajorNum.MinorNum.' % text)
    return int(found.group(1)), int(found.group(2))


def fmt(version: tuple[int, int]) -> str:
    return '%d.%d' % version


def requested(headers) -> str | None:
    """The compute version asked for; the new header wins over the legacy."""
    modern = headers.get('OpenStack-API-Version')
    if modern:
        for item in modern.split(','):
            parts = item.strip().split(None, 1)
            if len(parts) == 2 and parts[0].lower() == 'compute':
                return parts[1]
    return headers.get('X-OpenStack-Nova-API-Version')


def negotiate(headers, maximum: tuple[int, int] = DEFAULT_MAX_VERSION,
              minimum: tuple[int, int] = MIN_VERSION) -> tuple[int, int]:
    """Nova: no header means the minimum, ``latest`` the maximum, anything
    outside [minimum, maximum] is 406 Not Acceptable."""
    asked = requested(headers)
    if asked is None:
        return minimum
    if asked.strip().lower() == 'latest':
        return maximum
    version = parse(asked)
    if not minimum <= version <= maximum:
        raise SimError(406, 'Version %s is not supported by the API. Minimum '
                       'is %s and maximum is %s.'
                       % (asked.strip(), fmt(minimum), fmt(maximum)))
    return version


def headers_for(version: tuple[int, int]) -> dict[str, str]:
    return {'OpenStack-API-Version': 'compute %s' % fmt(version),
            'X-OpenStack-Nova-API-Version': fmt(version),
            'Vary': 'OpenStack-API-Version, X-OpenStack-Nova-API-Version'}
