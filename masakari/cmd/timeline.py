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

"""The story of one recovery, in time order: ``masakari-manage
notification timeline <uuid>``.

Three sources are merged: the notification row (when the monitor saw the
failure, when the API stored it, its final status), the progress details
the recovery tasks recorded (what each step did, fence records included),
and the vmove rows (each instance moved, from where to where, how long it
took). Times are shown as seconds since the failure, that is since the
notification's ``generated_time`` (the monitor's clock).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any, Iterable

TERMINAL = ("finished", "failed", "ignored", "error")
ONE_SECOND = datetime.timedelta(seconds=1)
FORMATS = ("text", "json")


@dataclasses.dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: str  # "notification", "task" or "vmove"
    message: str
    task: str | None = None
    instance: str | None = None
    host: str | None = None
    status: str | None = None


@dataclasses.dataclass
class Timeline:
    notification: dict
    origin: datetime.datetime
    events: list[Event]

    def seconds(self, event: Event) -> float:
        return (event.at - self.origin).total_seconds()

    def as_dict(self) -> dict:
        return {
            "notification": self.notification,
            "events": [
                dict(
                    {k: v for k, v in dataclasses.asdict(e).items()
                     if v is not None},
                    at=_iso(e.at),
                    seconds=round(self.seconds(e), 3),
                )
                for e in self.events
            ],
        }


def _iso(value: datetime.datetime | None) -> str | None:
    return None if value is None else value.isoformat(
        sep=" ", timespec="microseconds")


def _parse(value: Any) -> datetime.datetime | None:
    if value is None or isinstance(value, datetime.datetime):
        return value
    text = str(value).strip().replace("T", " ").rstrip("Z")
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _get(row: Any, name: str) -> Any:
    if isinstance(row, dict):
        return row.get(name)
    return getattr(row, name, None)


def build(notification: Any, host_name: str | None, details: Iterable[dict],
          vmoves: Iterable[Any]) -> Timeline:
    """Merge the three sources into one time-ordered timeline."""
    generated = _parse(_get(notification, "generated_time"))
    created = _parse(_get(notification, "created_at"))
    updated = _parse(_get(notification, "updated_at"))
    status = _get(notification, "status")
    ntype = _get(notification, "type")
    events = []
    if generated is not None:
        events.append(Event(generated, "notification",
                            f"{ntype} failure reported by the monitor on "
                            f"host '{host_name}'", host=host_name))
    if created is not None:
        events.append(Event(created, "notification",
                            "notification accepted by masakari-api",
                            status="new"))
    for task in details:
        for entry in task.get("progress_details") or []:
            at = _parse(entry.get("timestamp"))
            if at is not None:
                events.append(Event(at, "task", str(entry.get("message")),
                                    task=task.get("name")))
    for vmove in vmoves:
        start, end = (_parse(_get(vmove, "start_time")),
                      _parse(_get(vmove, "end_time")))
        name = _get(vmove, "instance_name") or _get(vmove, "instance_uuid")
        source, dest = _get(vmove, "source_host"), _get(vmove, "dest_host")
        if start is not None:
            events.append(Event(start, "vmove",
                                f"{_get(vmove, 'type')} of {name} from "
                                f"{source} started", instance=name,
                                host=source, status="ongoing"))
        if end is not None:
            took = f" in {(end - start).total_seconds():.1f}s" if start else ""
            events.append(Event(end, "vmove",
                                f"{name} {_get(vmove, 'status')}: {source} "
                                f"-> {dest or '?'}{took}", instance=name,
                                host=dest, status=_get(vmove, "status")))
    if status in TERMINAL and updated is not None:
        # The row keeps whole seconds on some databases; the final status
        # cannot come before the last step recorded with finer times.
        final = max([updated] + [e.at for e in events
                                 if e.at - updated < ONE_SECOND])
        events.append(Event(final, "notification",
                            f"notification {status}", status=status))
    origin = generated or created or (min(e.at for e in events)
                                      if events else datetime.datetime.min)
    # Stable: equal times keep the order above (accepted before tasks,
    # the final status last).
    events.sort(key=lambda e: e.at)
    summary = {
        "notification_uuid": _get(notification, "notification_uuid"),
        "type": ntype,
        "host": host_name,
        "status": status,
        "message": _get(notification, "message"),
        "generated_time": _iso(generated),
        "created_at": _iso(created),
        "updated_at": _iso(updated),
    }
    return Timeline(summary, origin, events)


def render_text(timeline: Timeline) -> str:
    note = timeline.notification
    lines = [f"Notification {note['notification_uuid']} ({note['type']}, "
             f"host {note['host']}): {note['status']}"]
    if note.get("message"):
        lines.append(f"  message: {note['message']}")
    for event in timeline.events:
        where = f"[{event.task}] " if event.task else ""
        lines.append(f"  {timeline.seconds(event):+9.2f}s  "
                     f"{_iso(event.at)[:23]}  {where}{event.message}")
    ends = [e for e in timeline.events
            if e.kind == "notification" and e.status in TERMINAL]
    if ends:
        lines.append(f"  total: {timeline.seconds(ends[-1]):.2f}s from the "
                     "failure to the final status")
    return "\n".join(lines)


def render(timeline: Timeline, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(timeline.as_dict(), indent=2)
    return render_text(timeline)


def load(db: Any, driver: Any, notification_uuid: str) -> Timeline:
    """Read one notification's timeline from the database and the recovery
    driver's stored progress details."""
    notification = db.notification_get_by_uuid(notification_uuid)
    try:
        host_name = db.host_get_by_uuid(notification.source_host_uuid).name
    except Exception:  # noqa: BLE001 - a deleted host keeps its uuid
        host_name = notification.source_host_uuid
    details = driver.get_notification_recovery_workflow_details(
        None, notification_uuid)
    vmoves = db.vmove_get_all_by_filters(
        filters={"notification_uuid": notification_uuid})
    return build(notification, host_name, details, vmoves)
