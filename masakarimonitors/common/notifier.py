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

"""Sending notifications to masakari: retry policy and durable spool.

Policy: a 2xx answer is success, 400 and 409 are final rejections (never
retried; a host notification with fencing evidence rejected with 400 is
first sent once more without that key), anything else (other status,
connection or auth error, client construction failure) is retried after
``retry_interval`` seconds up to ``retry_max`` times. The notification is
spooled before the first attempt and removed only when accepted or finally
rejected, so one that ran out of retries is replayed later by
:class:`Replayer` (also after a monitor restart).
"""

import datetime
import enum
import threading
from typing import Callable

from oslo_config import cfg
from oslo_log import log as logging

from masakarimonitors.common import client as client_mod
from masakarimonitors.common import spool as spool_mod

LOG = logging.getLogger(__name__)

FINAL_REJECTIONS = frozenset({400, 409})

# Optional payload key of COMPUTE_HOST notifications that an API without
# support for it rejects with HTTP 400.
TYPE_COMPUTE_HOST = "COMPUTE_HOST"
FENCING_KEY = "fencing"


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    FAILED = "failed"


def format_time(value) -> str:
    """Naive-UTC ISO 8601 text (no zone suffix) as masakari expects."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(
                tzinfo=None)
        return value.isoformat()
    return str(value)


def utcnow() -> datetime.datetime:
    """Current time as a naive UTC datetime."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def to_body(notification: dict) -> dict:
    """The JSON-ready ``notification`` object of the POST body."""
    return {
        "type": notification["type"],
        "hostname": notification["hostname"],
        "generated_time": format_time(notification["generated_time"]),
        "payload": dict(notification.get("payload") or {}),
    }


def _carries_fencing(body: dict) -> bool:
    payload = body.get("payload")
    return (body.get("type") == TYPE_COMPUTE_HOST
            and isinstance(payload, dict) and FENCING_KEY in payload)


def without_fencing(body: dict) -> dict:
    """A copy of ``body`` whose payload lacks the ``fencing`` key."""
    payload = {k: v for k, v in (body.get("payload") or {}).items()
               if k != FENCING_KEY}
    return {**body, "payload": payload}


class Sender:
    """One POST attempt with a lazily built, cached client."""

    def __init__(self, conf: cfg.ConfigOpts,
                 client_factory: Callable | None = None) -> None:
        self.conf = conf
        self._factory = client_factory or client_mod.MasakariClient
        self._client = None
        self._lock = threading.Lock()
        self._warned_fencing = False

    def attempt(self, body: dict) -> Outcome:
        """POST ``body`` once; see the module docstring for the outcomes.

        A COMPUTE_HOST notification with the ``fencing`` payload key that
        the API answers with 400 (an API that does not know the key) is
        sent again at once without the key, so the report is not lost.
        """
        try:
            with self._lock:
                if self._client is None:
                    self._client = self._factory(self.conf)
                client = self._client
            resp = client.create_notification(body)
        except Exception as exc:
            LOG.warning("Sending notification %s failed: %s",
                        _describe(body), exc)
            return Outcome.FAILED
        status = resp.status_code
        if 200 <= status < 300:
            LOG.info("Notification %s accepted (HTTP %s): %s",
                     _describe(body), status, resp.text[:1000])
            return Outcome.ACCEPTED
        if status == 400 and _carries_fencing(body):
            self._warn_fencing_rejected(resp.text[:1000])
            return self.attempt(without_fencing(body))
        if status in FINAL_REJECTIONS:
            LOG.info("Notification %s rejected (HTTP %s), not retried: %s",
                     _describe(body), status, resp.text[:1000])
            return Outcome.REJECTED
        LOG.warning("Notification %s got HTTP %s: %s", _describe(body),
                    status, resp.text[:1000])
        return Outcome.FAILED

    def _warn_fencing_rejected(self, answer: str) -> None:
        if self._warned_fencing:
            return
        self._warned_fencing = True
        LOG.warning("The masakari API rejected a host notification carrying "
                    "fencing evidence (HTTP 400: %s); it does not know the "
                    "payload key '%s'. Such notifications are sent again "
                    "without it. Upgrade the API or set [host] "
                    "report_fencing_evidence = False.", answer, FENCING_KEY)

    def warm_up(self) -> None:
        """Build the client now so the first event is not delayed by it."""
        try:
            with self._lock:
                if self._client is None:
                    self._client = self._factory(self.conf)
        except Exception as exc:
            LOG.warning("Masakari API client not ready yet: %s", exc)

    def reset(self) -> None:
        """Drop the cached client (rebuilt on the next attempt)."""
        with self._lock:
            self._client = None


class Notifier:
    """Send notifications with retries, spooling them until delivered.

    ``send`` never raises; it returns True when the API accepted (2xx) or
    finally rejected (400/409) the notification and False when it gave up
    (the notification then stays in the spool for a later replay).
    """

    def __init__(self, retry_max: int, retry_interval: float,
                 conf: cfg.ConfigOpts,
                 spool: spool_mod.Spool | None = None,
                 sleep: Callable[[float], object] | None = None,
                 sender: Sender | None = None) -> None:
        self.retry_max = max(int(retry_max), 0)
        self.retry_interval = max(float(retry_interval), 0.0)
        self.conf = conf
        self.spool = spool
        self._stopped = threading.Event()
        self._sleep = sleep or self._stopped.wait
        self.sender = sender or Sender(conf)

    def send(self, notification: dict) -> bool:
        try:
            body = to_body(notification)
        except (KeyError, TypeError, AttributeError) as exc:
            LOG.error("Malformed notification %r dropped: %s",
                      notification, exc)
            return True
        entry = self._spool_put(body)
        for attempt in range(self.retry_max + 1):
            if attempt:
                self._sleep(self.retry_interval)
                if self._stopped.is_set():
                    break
            outcome = self.sender.attempt(body)
            if outcome is not Outcome.FAILED:
                if entry is not None:
                    self.spool.remove(entry)
                return True
        LOG.error("Giving up sending notification %s after %d attempts%s",
                  _describe(body), attempt + 1,
                  "; it stays spooled" if entry is not None else "")
        self.sender.reset()
        if entry is not None:
            self.spool.release(entry)
        return False

    def defer(self, notification: dict) -> bool:
        """Spool without sending (replayed later); False without spool."""
        if self.spool is None:
            return False
        try:
            entry = self._spool_put(to_body(notification))
        except (KeyError, TypeError, AttributeError):
            return False
        if entry is None:
            return False
        self.spool.release(entry)
        return True

    def close(self) -> None:
        """Interrupt retry waits (used at shutdown)."""
        self._stopped.set()

    def reopen(self) -> None:
        """Undo ``close`` (service restarted after SIGHUP)."""
        self._stopped.clear()

    def warm_up(self) -> None:
        warm_up = getattr(self.sender, "warm_up", None)
        if warm_up is not None:
            warm_up()

    def _spool_put(self, body: dict) -> str | None:
        if self.spool is None:
            return None
        try:
            return self.spool.put(body)
        except OSError as exc:
            LOG.error("Could not spool notification %s: %s",
                      _describe(body), exc)
            return None


class Replayer:
    """Resend spooled notifications periodically (one attempt each)."""

    def __init__(self, spool: spool_mod.Spool, interval: float,
                 sender: Sender) -> None:
        self.spool = spool
        self.interval = interval
        self.sender = sender
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def replay_once(self) -> int:
        """Try every unclaimed entry once, oldest first; return delivered.

        Stops at the first failed attempt: the API is most likely still
        unreachable and later entries would fail the same way.
        """
        done = 0
        for entry in self.spool.entries():
            if self._stopped.is_set() or not self.spool.claim(entry):
                continue
            body = self.spool.load(entry)
            if body is None:
                continue
            outcome = self.sender.attempt(body)
            if outcome is Outcome.FAILED:
                self.spool.release(entry)
                self.sender.reset()
                break
            self.spool.remove(entry)
            done += 1
        return done

    def start(self) -> None:
        self._stopped.clear()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name="spool-replayer")
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                count = self.replay_once()
                if count:
                    LOG.info("Delivered %d spooled notification(s)", count)
            except Exception:
                LOG.exception("Spool replay failed")
            self._stopped.wait(self.interval)


def _describe(body: dict) -> str:
    payload = body.get("payload") or {}
    return "%s/%s %s" % (body.get("type"), body.get("hostname"),
                         payload.get("event"))
