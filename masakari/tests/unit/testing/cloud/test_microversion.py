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

from masakari.testing.cloud import microversion
from masakari.testing.cloud.errors import SimError


def test_no_header_means_minimum():
    assert microversion.negotiate({}) == (2, 1)


def test_latest_means_maximum():
    headers = {'X-OpenStack-Nova-API-Version': 'latest'}
    assert microversion.negotiate(headers, (2, 96)) == (2, 96)


def test_modern_header_wins_over_legacy():
    headers = {'OpenStack-API-Version': 'volume 3.5, compute 2.53',
               'X-OpenStack-Nova-API-Version': '2.11'}
    assert microversion.negotiate(headers) == (2, 53)


def test_modern_header_for_other_service_falls_back_to_legacy():
    headers = {'OpenStack-API-Version': 'volume 3.5',
               'X-OpenStack-Nova-API-Version': '2.11'}
    assert microversion.negotiate(headers) == (2, 11)


@pytest.mark.parametrize('value', ['2.97', '3.0', '2.0', '1.1'])
def test_outside_range_is_406(value):
    with pytest.raises(SimError) as exc:
        microversion.negotiate({'X-OpenStack-Nova-API-Version': value},
                               (2, 96))
    assert exc.value.code == 406
    assert 'Minimum is 2.1 and maximum is 2.96' in exc.value.message


@pytest.mark.parametrize('value', ['2', 'abc', '2.x', '02.1'])
def test_bad_format_is_400(value):
    with pytest.raises(SimError) as exc:
        microversion.negotiate({'X-OpenStack-Nova-API-Version': value})
    assert exc.value.code == 400
    assert exc.value.body()['badRequest']['code'] == 400


def test_response_headers_echo_version():
    headers = microversion.headers_for((2, 53))
    assert headers['OpenStack-API-Version'] == 'compute 2.53'
    assert headers['X-OpenStack-Nova-API-Version'] == '2.53'
