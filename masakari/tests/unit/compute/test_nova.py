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

import json

import pytest
from keystoneauth1 import exceptions as ks_exc
from oslo_config import cfg

from masakari import exception
from masakari.compute import exceptions as cexc
from masakari.compute import nova
from masakari.compute import session as nova_session


class FakeResponse:
    def __init__(self, body):
        self.content = json.dumps(body).encode() if body is not None else b""

    def json(self):
        return json.loads(self.content)


class FakeAdapter:
    """Answers requests from a list of (method, url) -> body or exception."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def request(self, url, method, **kwargs):
        self.calls.append((method, url, kwargs.get("params"), kwargs.get("json"),
                           kwargs.get("headers")))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return FakeResponse(answer)


class Ctx:
    global_id = "req-abc"


def make(answers):
    adapter = FakeAdapter(answers)
    return nova.API(conf=cfg.ConfigOpts(), adapter_factory=lambda conf: adapter), adapter


def test_find_compute_service_found_and_missing():
    api, adapter = make([
        {"services": [{"id": "s1", "host": "h1", "binary": "nova-compute"}]},
        {"services": []},
    ])
    assert api.find_compute_service(Ctx(), "h1") is None
    with pytest.raises(exception.ComputeNotFoundByName) as err:
        api.find_compute_service(Ctx(), "h2")
    assert str(err.value) == "Compute service with name h2 could not be found."
    assert adapter.calls[0][:3] == ("GET", "/os-services",
                                    {"host": "h1", "binary": "nova-compute"})
    assert adapter.calls[0][4] == {"X-OpenStack-Request-ID": "req-abc"}


def test_find_compute_service_ignores_other_hosts_from_lax_backend():
    api, _ = make([{"services": [{"id": "s1", "host": "h10", "binary": "nova-compute"}]}])
    with pytest.raises(exception.ComputeNotFoundByName):
        api.find_compute_service(None, "h1")


@pytest.mark.parametrize("status,cls,base", [
    (400, cexc.ComputeBadRequest, exception.InvalidInput),
    (403, cexc.ComputeForbidden, exception.MasakariException),
    (404, cexc.ComputeNotFound, exception.NotFound),
    (409, cexc.ComputeConflict, exception.Conflict),
    (429, cexc.ComputeUnavailable, exception.MasakariException),
    (503, cexc.ComputeUnavailable, exception.MasakariException),
    (401, cexc.ComputeError, exception.MasakariException),
])
def test_http_errors_are_translated(status, cls, base):
    err = ks_exc.from_response(_Resp(status), "GET", "/servers/x")
    api, _ = make([err])
    with pytest.raises(cls) as raised:
        api.get_server(None, "x")
    assert isinstance(raised.value, base)
    assert f"HTTP {status}" in str(raised.value)


def test_connection_errors_are_unavailable():
    api, _ = make([ks_exc.ConnectTimeout("timed out")])
    with pytest.raises(cexc.ComputeUnavailable):
        api.get_server(None, "x")


def test_endpoint_errors_are_compute_errors():
    api, _ = make([ks_exc.EndpointNotFound("no compute")])
    with pytest.raises(cexc.ComputeError):
        api.list_aggregates(None)


class _Resp:
    def __init__(self, status):
        self.status_code = status
        self.headers = {"Content-Type": "application/json"}
        self.text = json.dumps({"conflictingRequest": {"message": "busy"}})
        self.request = None

    def json(self):
        return json.loads(self.text)


def test_list_servers_follows_pagination():
    next_link = [{"rel": "next", "href": "http://nova/servers/detail?marker=b"}]
    api, adapter = make([
        {"servers": [{"id": "a"}, {"id": "b"}], "servers_links": next_link},
        {"servers": [{"id": "c"}], "servers_links": []},
    ])
    servers = api.get_servers_on_host(None, "h1")
    assert [s["id"] for s in servers] == ["a", "b", "c"]
    assert adapter.calls[0][2] == {"all_tenants": "True", "host": "h1"}
    assert adapter.calls[1][2] == {"all_tenants": "True", "host": "h1", "marker": "b"}


def test_list_servers_stops_when_backend_repeats_a_page():
    link = [{"rel": "next", "href": "x"}]
    api, adapter = make([
        {"servers": [{"id": "a"}], "servers_links": link},
        {"servers": [{"id": "a"}], "servers_links": link},
    ])
    assert [s["id"] for s in api.list_servers(None)] == ["a"]
    assert len(adapter.calls) == 2


def test_get_servers_by_ids_lists_once_and_fetches_missing():
    api, adapter = make([
        {"servers": [{"id": "a", "x": 1}, {"id": "zz"}]},
        {"server": {"id": "b", "x": 2}},
    ])
    found = api.get_servers_by_ids(None, ["a", "b"], changes_since="2026-01-01T00:00:00Z")
    assert found == {"a": {"id": "a", "x": 1}, "b": {"id": "b", "x": 2}}
    assert adapter.calls[0][2]["changes-since"] == "2026-01-01T00:00:00Z"
    # Servers deleted in the window are not listed.
    assert adapter.calls[0][2]["deleted"] == "False"
    assert adapter.calls[1][:2] == ("GET", "/servers/b")


def test_get_servers_by_ids_leaves_out_a_deleted_server():
    api, adapter = make([
        {"servers": [{"id": "a"}]},
        ks_exc.NotFound(),
    ])
    found = api.get_servers_by_ids(None, ["a", "b"], changes_since="x")
    assert found == {"a": {"id": "a"}}


@pytest.mark.parametrize("call,args,body", [
    ("evacuate", ("s",), {"evacuate": {}}),
    ("evacuate", ("s", "r1"), {"evacuate": {"host": "r1"}}),
    ("reset_state", ("s", "error"), {"os-resetState": {"state": "error"}}),
    ("stop_server", ("s",), {"os-stop": None}),
    ("start_server", ("s",), {"os-start": None}),
    ("lock_server", ("s",), {"lock": None}),
    ("unlock_server", ("s",), {"unlock": None}),
])
def test_server_actions(call, args, body):
    api, adapter = make([None])
    getattr(api, call)(None, *args)
    assert adapter.calls[0][:2] == ("POST", "/servers/s/action")
    assert adapter.calls[0][3] == body


def test_service_updates():
    api, adapter = make([{"service": {"id": "u"}}, {"service": {}}, {"service": {}},
                         {"service": {}}])
    assert api.disable_service(None, "u", "why") == {"id": "u"}
    api.disable_service(None, "u")
    api.enable_service(None, "u")
    api.set_forced_down(None, "u", True)
    assert [c[3] for c in adapter.calls] == [
        {"status": "disabled", "disabled_reason": "why"},
        {"status": "disabled"},
        {"status": "enabled"},
        {"forced_down": True},
    ]
    assert all(c[:2] == ("PUT", "/os-services/u") for c in adapter.calls)


def test_aggregates():
    api, adapter = make([{"aggregates": [{"id": 1, "hosts": ["h"]}]}, None, None])
    assert api.list_aggregates(None) == [{"id": 1, "hosts": ["h"]}]
    api.add_host_to_aggregate(None, 1, "r")
    api.remove_host_from_aggregate(None, 1, "r")
    assert adapter.calls[1][3] == {"add_host": {"host": "r"}}
    assert adapter.calls[2][3] == {"remove_host": {"host": "r"}}


@pytest.mark.parametrize("value,expected", [
    ("default", {"user_domain_id": "default"}),
    ("Default", {"user_domain_name": "Default"}),
    ("0123456789abcdef0123456789abcdef", {"user_domain_id": "0123456789abcdef0123456789abcdef"}),
    ("corp", {"user_domain_name": "corp"}),
    (None, {}),
])
def test_domain_args(value, expected):
    assert nova_session.domain_args("user", value) == expected


def test_parse_catalog_info():
    assert nova_session.parse_catalog_info("compute:nova:adminURL") == {
        "service_type": "compute", "service_name": "nova", "interface": "admin"}
    assert nova_session.parse_catalog_info("compute") == {
        "service_type": "compute", "service_name": None, "interface": "public"}


def test_adapter_is_shared_and_uses_microversion():
    from masakari import conf as mconf
    conf = mconf.CONF
    conf.set_override("os_privileged_user_auth_url", "http://127.0.0.1:1/v3")
    conf.set_override("os_privileged_user_name", "admin")
    conf.set_override("os_privileged_user_password", "pw")
    conf.set_override("os_privileged_user_tenant", "admin")
    sessions = nova_session.SessionCache()
    try:
        first = sessions.adapter(conf)
        second = sessions.adapter(conf)
        assert first is second
        assert first.default_microversion == "2.53"
        assert first.session.timeout == nova_session.DEFAULT_TIMEOUT
        # Another service (another cache) has its own session.
        assert nova_session.SessionCache().adapter(conf) is not first
        conf.set_override("os_privileged_user_name", "other")
        assert sessions.adapter(conf) is not first   # new settings
    finally:
        conf.clear_override("os_privileged_user_auth_url")
        conf.clear_override("os_privileged_user_name")
        conf.clear_override("os_privileged_user_password")
        conf.clear_override("os_privileged_user_tenant")


def test_warm_up_logs_in_resolves_the_endpoint_and_makes_one_small_call():
    api, adapter = make([{"services": []}])
    resolved = []
    adapter.get_endpoint = lambda: resolved.append(True) or "http://nova"
    api.warm_up()
    assert resolved == [True]
    # One authenticated listing that matches nothing: Nova caches the
    # token's validation before the first recovery needs it.
    assert [c[:3] for c in adapter.calls] == [
        ("GET", "/os-services",
         {"host": nova.WARM_UP_HOST, "binary": "nova-compute"})]


def test_warm_up_error_from_nova_propagates_to_the_caller():
    api, adapter = make([cexc.ComputeForbidden("not an admin")])
    adapter.get_endpoint = lambda: "http://nova"
    with pytest.raises(exception.MasakariException):
        api.warm_up()


def test_warm_up_error_propagates_to_the_caller():
    api, adapter = make([])

    def unreachable():
        raise ks_exc.ConnectFailure("keystone is down")
    adapter.get_endpoint = unreachable
    with pytest.raises(ks_exc.ConnectFailure):
        api.warm_up()
