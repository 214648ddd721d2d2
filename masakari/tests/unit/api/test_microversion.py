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

from masakari.api import errors
from masakari.api import microversion as mv


@pytest.mark.parametrize('header,expected', [
    (None, None), ('', None), ('instance-ha 1.1', '1.1'),
    ('instance-ha', ''), ('Instance-HA   1.2 ', '1.2'),
    ('compute 2.1,instance-ha 1.3', '1.3'), ('compute 2.1', None),
])
def test_requested(header, expected):
    assert mv.requested(header) == expected


def test_negotiate_defaults_and_latest():
    assert mv.negotiate(None) == (1, 0)
    assert mv.negotiate('instance-ha latest') == (1, 3)
    assert str(mv.negotiate('instance-ha 1.2')) == '1.2'


def test_negotiate_errors():
    with pytest.raises(errors.ApiError) as exc:
        mv.negotiate('instance-ha 1.10')
    assert exc.value.code == 406
    with pytest.raises(errors.ApiError) as exc:
        mv.negotiate('instance-ha 1.')
    assert exc.value.code == 400


def test_response_headers():
    assert mv.response_headers(mv.Version(1, 2)) == {
        'OpenStack-API-Version': 'instance-ha 1.2',
        'Vary': 'OpenStack-API-Version'}
