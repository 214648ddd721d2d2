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

"""An API that does not know the ``fencing`` payload key answers 400: the
host notification is sent again without it and never lost."""

import datetime
import logging

import pytest

from masakarimonitors.common import notifier
from masakarimonitors.common import spool as spool_mod

EVIDENCE = {"confirmed": True, "source": "stonith-history",
            "at": "2026-12-07T17:02:03Z"}
BASE = {"event": "STOPPED", "cluster_status": "OFFLINE",
        "host_status": "NORMAL"}


def _host_note(with_evidence=True, kind="COMPUTE_HOST"):
    payload = dict(BASE)
    if with_evidence:
        payload["fencing"] = dict(EVIDENCE)
    return {"type": kind, "hostname": "cmp2",
            "generated_time": datetime.datetime(2026, 12, 7, 17, 2, 10),
            "payload": payload}


@pytest.fixture
def spool(tmp_path):
    return spool_mod.Spool(str(tmp_path / "spool"), 10)


def _notifier(conf, spool, retry_max=3):
    sleeps = []
    return notifier.Notifier(retry_max, 7, conf=conf, spool=spool,
                             sleep=sleeps.append), sleeps


def _payloads(fake_api):
    return [(body["notification"]["payload"], status)
            for _, body, status in fake_api.requests]


def test_400_then_202_delivers_once_without_the_key(fake_api, make_conf,
                                                    spool, caplog):
    fake_api.statuses.extend([400, 202])
    sender, sleeps = _notifier(make_conf(fake_api.endpoint), spool)
    with caplog.at_level(logging.WARNING):
        assert sender.send(_host_note()) is True
    assert _payloads(fake_api) == [({**BASE, "fencing": EVIDENCE}, 400),
                                   (BASE, 202)]
    assert fake_api.accepted == [{
        "type": "COMPUTE_HOST", "hostname": "cmp2",
        "generated_time": "2026-12-07T17:02:10", "payload": BASE}]
    assert sleeps == []                     # resent at once, not retried
    assert spool.entries() == []
    assert "report_fencing_evidence" in caplog.text


def test_the_warning_is_logged_once(fake_api, make_conf, spool, caplog):
    fake_api.statuses.extend([400, 202, 400, 202])
    sender, _ = _notifier(make_conf(fake_api.endpoint), spool)
    with caplog.at_level(logging.WARNING):
        assert sender.send(_host_note()) is True
        assert sender.send(_host_note()) is True
    assert len(fake_api.accepted) == 2
    assert caplog.text.count("report_fencing_evidence") == 1


def test_accepted_evidence_is_sent_once_with_the_key(fake_api, make_conf,
                                                     spool):
    sender, _ = _notifier(make_conf(fake_api.endpoint), spool)
    assert sender.send(_host_note()) is True
    assert _payloads(fake_api) == [({**BASE, "fencing": EVIDENCE}, 202)]


def test_400_without_the_key_stays_final(fake_api, make_conf, spool):
    fake_api.statuses.append(400)
    sender, _ = _notifier(make_conf(fake_api.endpoint), spool)
    assert sender.send(_host_note(with_evidence=False)) is True
    assert _payloads(fake_api) == [(BASE, 400)]
    assert spool.entries() == []


def test_400_to_the_resent_notification_is_final(fake_api, make_conf,
                                                 spool):
    fake_api.statuses.extend([400, 400])
    sender, sleeps = _notifier(make_conf(fake_api.endpoint), spool)
    assert sender.send(_host_note()) is True
    assert [s for _, s in _payloads(fake_api)] == [400, 400]
    assert "fencing" not in _payloads(fake_api)[1][0]
    assert sleeps == [] and spool.entries() == []


def test_other_types_are_not_rewritten(fake_api, make_conf, spool):
    fake_api.statuses.append(400)
    sender, _ = _notifier(make_conf(fake_api.endpoint), spool)
    assert sender.send(_host_note(kind="PROCESS")) is True
    assert len(fake_api.requests) == 1


def test_server_error_on_the_resend_is_retried(fake_api, make_conf, spool):
    fake_api.statuses.extend([400, 503, 400, 202])
    sender, sleeps = _notifier(make_conf(fake_api.endpoint), spool)
    assert sender.send(_host_note()) is True
    assert [s for _, s in _payloads(fake_api)] == [400, 503, 400, 202]
    assert sleeps == [7]
    assert fake_api.accepted[0]["payload"] == BASE
    assert spool.entries() == []


def test_replayed_notification_falls_back_too(fake_api, make_conf, spool):
    entry = spool.put(notifier.to_body(_host_note()))
    spool.release(entry)
    fake_api.statuses.extend([400, 202])
    replayer = notifier.Replayer(spool, 60,
                                 notifier.Sender(make_conf(fake_api.endpoint)))
    assert replayer.replay_once() == 1
    assert [p for p, _ in _payloads(fake_api)] == [
        {**BASE, "fencing": EVIDENCE}, BASE]
    assert spool.entries() == []


def test_without_fencing_leaves_the_original_untouched():
    body = notifier.to_body(_host_note())
    stripped = notifier.without_fencing(body)
    assert stripped["payload"] == BASE
    assert body["payload"]["fencing"] == EVIDENCE
    assert {k: v for k, v in stripped.items() if k != "payload"} == {
        k: v for k, v in body.items() if k != "payload"}
