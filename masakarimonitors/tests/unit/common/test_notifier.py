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

import datetime

import pytest

from masakarimonitors.common import notifier
from masakarimonitors.common import spool as spool_mod
from masakarimonitors.testing import helpers


def _notification(event="STOPPED", when=None):
    return {"type": "PROCESS", "hostname": "cmp1",
            "generated_time": when or datetime.datetime(
                2026, 1, 8, 10, 15, 2, 123456),
            "payload": {"event": event, "process_name": "nova-compute"}}


class Sleeps:
    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(seconds)


@pytest.fixture
def spool(tmp_path):
    return spool_mod.Spool(str(tmp_path / "spool"), 10)


def _notifier(conf, spool, retry_max=3, interval=7):
    sleeps = Sleeps()
    return notifier.Notifier(retry_max, interval, conf=conf, spool=spool,
                             sleep=sleeps), sleeps


def test_accepted_posts_wire_format_and_unspools(fake_api, make_conf, spool):
    sender, sleeps = _notifier(make_conf(fake_api.endpoint), spool)
    assert sender.send(_notification()) is True
    path, body, status = fake_api.requests[0]
    assert path == "/v1/notifications"
    assert body == {"notification": {
        "type": "PROCESS", "hostname": "cmp1",
        "generated_time": "2026-01-08T10:15:02.123456",
        "payload": {"event": "STOPPED", "process_name": "nova-compute"}}}
    assert sleeps.calls == []
    assert spool.entries() == []


@pytest.mark.parametrize("status", [400, 409])
def test_final_rejection_is_not_retried(fake_api, make_conf, spool, status):
    fake_api.statuses.append(status)
    sender, sleeps = _notifier(make_conf(fake_api.endpoint), spool)
    assert sender.send(_notification()) is True
    assert len(fake_api.requests) == 1
    assert sleeps.calls == []
    assert spool.entries() == []


def test_server_errors_are_retried_until_accepted(fake_api, make_conf,
                                                  spool):
    fake_api.statuses.extend([503, 500])
    sender, sleeps = _notifier(make_conf(fake_api.endpoint), spool)
    assert sender.send(_notification()) is True
    assert [s for _, _, s in fake_api.requests] == [503, 500, 202]
    assert sleeps.calls == [7, 7]
    assert spool.entries() == []


def test_give_up_after_retry_max_keeps_it_spooled(fake_api, make_conf,
                                                  spool):
    fake_api.default_status = 503
    sender, sleeps = _notifier(make_conf(fake_api.endpoint), spool,
                               retry_max=2)
    assert sender.send(_notification()) is False
    assert len(fake_api.requests) == 3
    assert sleeps.calls == [7, 7]
    [entry] = spool.entries()
    assert spool.load(entry)["payload"]["event"] == "STOPPED"
    # Given back for replay, not held by the failed sender.
    assert spool.claim(entry) is True


def test_connection_refused_is_retried(make_conf, spool):
    conf = make_conf(f"http://127.0.0.1:{helpers.free_port()}/v1")
    sender, sleeps = _notifier(conf, spool, retry_max=1)
    assert sender.send(_notification()) is False
    assert sleeps.calls == [7]
    assert len(spool.entries()) == 1


def test_client_build_failure_is_retried(make_conf, spool):
    # No endpoint and no auth_url: the password plugin cannot be loaded.
    sender, sleeps = _notifier(make_conf(), spool, retry_max=2)
    assert sender.send(_notification()) is False
    assert sleeps.calls == [7, 7]


def test_close_interrupts_retries(fake_api, make_conf, spool):
    fake_api.default_status = 503
    sender = notifier.Notifier(5, 0.0, conf=make_conf(fake_api.endpoint),
                               spool=spool)

    def sleep_then_close(_seconds):
        sender.close()

    sender._sleep = sleep_then_close
    assert sender.send(_notification()) is False
    assert len(fake_api.requests) == 1
    assert len(spool.entries()) == 1


def test_without_spool(fake_api, make_conf):
    sender = notifier.Notifier(0, 0, conf=make_conf(fake_api.endpoint))
    assert sender.spool is None
    assert sender.send(_notification()) is True


def test_malformed_notification_is_dropped(fake_api, make_conf, spool):
    sender, _ = _notifier(make_conf(fake_api.endpoint), spool)
    assert sender.send({"type": "VM"}) is True
    assert fake_api.requests == []
    assert spool.entries() == []


def test_replayer_delivers_in_order_and_stops_at_failure(fake_api, make_conf,
                                                         spool):
    conf = make_conf(fake_api.endpoint)
    first = spool.put(notifier.to_body(_notification("FIRST")))
    spool.release(first)
    second = spool.put(notifier.to_body(_notification("SECOND")))
    spool.release(second)
    replayer = notifier.Replayer(spool, 60, notifier.Sender(conf))
    fake_api.statuses.append(503)
    assert replayer.replay_once() == 0
    assert spool.entries() == [first, second]
    assert replayer.replay_once() == 2
    events = [b["notification"]["payload"]["event"]
              for _, b, s in fake_api.requests if s == 202]
    assert events == ["FIRST", "SECOND"]
    assert spool.entries() == []


def test_replayer_skips_entries_being_sent(fake_api, make_conf, spool):
    entry = spool.put(notifier.to_body(_notification()))  # claimed
    replayer = notifier.Replayer(spool, 60,
                                 notifier.Sender(make_conf(fake_api.endpoint)))
    assert replayer.replay_once() == 0
    assert fake_api.requests == []
    assert spool.entries() == [entry]


def test_replayer_thread_delivers(fake_api, make_conf, spool):
    entry = spool.put(notifier.to_body(_notification()))
    spool.release(entry)
    replayer = notifier.Replayer(spool, 0.05,
                                 notifier.Sender(make_conf(fake_api.endpoint)))
    replayer.start()
    try:
        fake_api.wait_for(1)
    finally:
        replayer.stop()
    assert spool.entries() == []


@pytest.mark.parametrize("value, text", [
    (datetime.datetime(2026, 1, 8, 10, 15, 2), "2026-01-08T10:15:02"),
    (datetime.datetime(2026, 1, 8, 10, 15, 2, 5), "2026-01-08T10:15:02.000005"),
    (datetime.datetime(2026, 1, 8, 11, 15, 2, tzinfo=datetime.timezone(
        datetime.timedelta(hours=1))), "2026-01-08T10:15:02"),
    ("2026-01-08T10:15:02", "2026-01-08T10:15:02"),
])
def test_format_time(value, text):
    assert notifier.format_time(value) == text


def test_utcnow_is_naive():
    assert notifier.utcnow().tzinfo is None


def test_defer_spools_for_replay(make_conf, spool):
    sender = notifier.Notifier(0, 0, conf=make_conf(), spool=spool)
    assert sender.defer(_notification()) is True
    [entry] = spool.entries()
    assert spool.claim(entry) is True
    assert notifier.Notifier(0, 0, conf=make_conf()).defer(
        _notification()) is False
    assert sender.defer({"type": "VM"}) is False


# Delivery policy: outcome of one attempt by HTTP status -> (attempts made with
# retry_max=2 when every answer has that status, spooled afterwards).
STATUS_POLICY = [
    (200, 1, False), (201, 1, False), (202, 1, False), (204, 1, False),
    (400, 1, False), (409, 1, False),
    (401, 3, True), (403, 3, True), (404, 3, True), (413, 3, True),
    (429, 3, True), (500, 3, True), (502, 3, True), (503, 3, True),
]


@pytest.mark.parametrize("status,attempts,kept", STATUS_POLICY)
def test_status_policy_table(fake_api, make_conf, spool, status, attempts,
                             kept):
    fake_api.default_status = status
    sender, sleeps = _notifier(make_conf(fake_api.endpoint), spool,
                               retry_max=2)
    assert sender.send(_notification()) is (not kept)
    assert len(fake_api.requests) == attempts
    assert sleeps.calls == [7] * (attempts - 1)
    assert len(spool.entries()) == (1 if kept else 0)
