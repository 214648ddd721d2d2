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

"""Property test: random and malformed requests never yield a 5xx, and
every error carries a well-formed fault envelope."""

import json
import urllib.parse

import pytest
import webob
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from masakari.tests.unit.api import fakes
from masakari.tests.unit.api import fuzz_support
from masakari.tests.unit.api.fuzz_support import check

METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']
PARAMS = ['limit', 'marker', 'sort_key', 'sort_dir', 'page_size', 'type',
          'status', 'enabled', 'reserved', 'on_maintenance', 'name',
          'generated-since', 'source_host_uuid', 'recovery_method',
          'service_type', 'control_attributes']
KEYS = ['segment', 'host', 'notification', 'name', 'service_type',
        'recovery_method', 'description', 'enabled', 'type', 'hostname',
        'generated_time', 'payload', 'control_attributes', 'reserved',
        'on_maintenance', 'event', 'instance_uuid', 'vir_domain_event',
        'host_status', 'cluster_status', 'process_name']

text = st.text(max_size=30)
ident = st.one_of(text.filter(lambda s: '/' not in s and s),
                  st.uuids().map(str), st.sampled_from(['new', 'edit',
                                                        'action', 'v1.0']))
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(),
                        st.floats(allow_nan=False), text,
                        st.sampled_from(['auto', 'COMPUTE', 'VM', 'True',
                                         'host1', '2026-01-01T00:00:00']))
json_value = st.recursive(
    json_scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), text), children,
                        max_size=5)),
    max_leaves=15)
body = st.one_of(
    st.none(),
    json_value.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=64),
    st.dictionaries(st.sampled_from(['segment', 'host', 'notification']),
                    st.dictionaries(st.sampled_from(KEYS), json_value,
                                    max_size=6),
                    min_size=1, max_size=1).map(
        lambda v: json.dumps(v).encode()))
query = st.lists(st.tuples(st.one_of(st.sampled_from(PARAMS), text),
                           st.one_of(text, st.integers().map(str))),
                 max_size=4).map(urllib.parse.urlencode)
version = st.one_of(st.none(), st.sampled_from(
    ['instance-ha 1.0', 'instance-ha 1.3', 'instance-ha latest',
     'instance-ha 9.9', 'instance-ha 1.x']), text)
content_type = st.one_of(st.none(), st.sampled_from(
    ['application/json', 'text/plain', 'text/xml',
     'application/vnd.openstack.masakari+json', '']), text)


def paths(seg, host, notif):
    return st.one_of(
        st.sampled_from([
            '/', '/v1', '/v1/', '/v1/segments', '/v1/notifications',
            '/v1/extensions', f'/v1/segments/{seg}',
            f'/v1/segments/{seg}/hosts', f'/v1/segments/{seg}/hosts/{host}',
            f'/v1/notifications/{notif}',
            f'/v1/notifications/{notif}/vmoves', '/v1/abc123/segments']),
        st.tuples(st.sampled_from(['/v1/segments/{}', '/v1/segments/{}/hosts',
                                   '/v1/segments/%s/hosts/{}' % seg,
                                   '/v1/notifications/{}',
                                   '/v1/notifications/{}/vmoves',
                                   '/v1/notifications/%s/vmoves/{}' % notif,
                                   '/v1/extensions/{}', '/v1/{}/segments',
                                   '/v1/versions/{}']),
                  ident).map(lambda t: t[0].format(
                      urllib.parse.quote(t[1], safe=''))),
        st.binary(min_size=1, max_size=20).map(
            lambda b: '/v1/segments/' + urllib.parse.quote(b)))


@pytest.fixture
def world(client, database):
    return fuzz_support.make_world(client, database)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_random_requests(world, data):
    client, seg, host, notif = world[:4]
    method = data.draw(st.sampled_from(METHODS))
    path = data.draw(paths(seg, host, notif))
    qs = data.draw(query)
    req = webob.Request.blank(path + ('?' + qs if qs else ''),
                              method=method)
    req.headers.update(fakes.ADMIN_HEADERS)
    ver = data.draw(version)
    if ver is not None:
        req.headers['OpenStack-API-Version'] = ver.replace('\n', ' ')
    ctype = data.draw(content_type)
    if ctype is not None:
        req.headers['Content-Type'] = ctype.replace('\n', ' ')
    raw = data.draw(body)
    if raw is not None:
        req.body = raw
    check(req.get_response(client.app), method)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.dictionaries(st.sampled_from(KEYS + ['x']), json_value,
                               max_size=4),
       ntype=st.sampled_from(['VM', 'PROCESS', 'COMPUTE_HOST', 'X']),
       generated=st.one_of(text, st.datetimes().map(
           lambda d: d.isoformat())))
def test_random_notifications(world, payload, ntype, generated):
    client = world[0]
    resp = client.post('/v1/notifications', {'notification': {
        'type': ntype, 'hostname': 'host1', 'generated_time': generated,
        'payload': payload}})
    check(resp.raw, 'POST')
