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

"""The ``fencing`` evidence object in COMPUTE_HOST notification payloads."""

import json

import pytest

from masakari.tests.unit.api.test_notifications import URL
from masakari.tests.unit.api.test_notifications import body
from masakari.tests.unit.api.test_notifications import hosts  # noqa: F401

EVIDENCE = {'confirmed': True, 'source': 'stonith-history',
            'at': '2026-12-07T17:02:03Z'}
HOST_PAYLOAD = {'event': 'STOPPED', 'host_status': 'NORMAL',
                'cluster_status': 'OFFLINE'}


def test_evidence_accepted_and_stored(database, client, hosts):  # noqa: F811
    payload = dict(HOST_PAYLOAD, fencing=EVIDENCE)
    resp = client.post(URL, body(type='COMPUTE_HOST', payload=payload))
    assert resp.status == 202, resp.json
    note = resp.json['notification']
    assert note['payload'] == payload
    stored = database.notification_get_by_uuid(note['notification_uuid'])
    assert json.loads(stored.payload)['fencing'] == EVIDENCE


def test_evidence_without_time_accepted(client, hosts):  # noqa: F811
    payload = dict(HOST_PAYLOAD,
                   fencing={'confirmed': False, 'source': 'ipmi'})
    assert client.post(URL, body(type='COMPUTE_HOST',
                                 payload=payload)).status == 202


@pytest.mark.parametrize('fencing,message', [
    ({'confirmed': 'true', 'source': 'ipmi'},
     "'true' is not of type 'boolean'"),
    ({'confirmed': True}, "'source' is a required property"),
    ({'confirmed': True, 'source': 'ipmi', 'extra': 1},
     "Additional properties are not allowed ('extra' was unexpected)"),
    ({'confirmed': True, 'source': 'a b'}, "does not match"),
    ('yes', "'yes' is not of type 'object'"),
])
def test_bad_evidence_is_400(client, hosts, fencing, message):  # noqa: F811
    payload = dict(HOST_PAYLOAD, fencing=fencing)
    resp = client.post(URL, body(type='COMPUTE_HOST', payload=payload))
    assert resp.status == 400
    assert message in resp.json['badRequest']['message']


@pytest.mark.parametrize('ntype', ['VM', 'PROCESS'])
def test_evidence_only_for_host_notifications(client, hosts,  # noqa: F811
                                              ntype):
    from masakari.tests.unit.api.test_notifications import PAYLOADS
    payload = dict(PAYLOADS[ntype], fencing=EVIDENCE)
    resp = client.post(URL, body(type=ntype, payload=payload))
    assert resp.status == 400
    assert "('fencing' was unexpected)" in resp.json['badRequest']['message']


def test_other_nested_values_still_rejected(client, hosts):  # noqa: F811
    payload = dict(HOST_PAYLOAD, cluster_status={'a': 'b'})
    resp = client.post(URL, body(type='COMPUTE_HOST', payload=payload))
    assert resp.status == 400
    assert "is not of type 'string'" in resp.json['badRequest']['message']
