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
"""Exceptions shared by the DB layer, the API and the engine.

Every exception carries an HTTP ``code`` and a ``msg_fmt`` written with
``str.format`` named fields.  They are built with keyword arguments; the
formatted text (``str(exc)``) is exactly what goes on the wire, so the
message texts below are part of the REST contract: clients and scripts match
them, and they are kept word for word as upstream Masakari writes them.
"""

from typing import Any


class MasakariException(Exception):
    """Base class: ``MasakariException(message=None, **kwargs)``."""

    msg_fmt = "An unknown exception occurred."
    code = 500
    headers: dict[str, str] = {}
    safe = False

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.kwargs.setdefault("code", self.code)
        if message is None:
            message = self._format(kwargs)
        self.message = str(message)
        super().__init__(self.message)

    def _template(self) -> str:
        return self.msg_fmt

    def _format(self, kwargs: dict[str, Any]) -> str:
        template = self._template()
        try:
            return template.format(**kwargs)
        except (KeyError, IndexError, ValueError):
            # A missing field must never turn an expected error into a
            # crash; show the template with what is known instead.
            return template

    def __str__(self) -> str:
        return self.message

    def format_message(self) -> str:
        return self.message


# --- 400 -------------------------------------------------------------------

class Invalid(MasakariException):
    msg_fmt = "Bad Request - Invalid Parameters"
    code = 400


class InvalidInput(Invalid):
    msg_fmt = "Invalid input received: {reason}"


class ValidationError(Invalid):
    msg_fmt = "{detail}"


class MarkerNotFound(Invalid):
    msg_fmt = "Marker {marker} could not be found."


class InvalidSortKey(Invalid):
    # Upstream puts the repr of an inner exception on the wire; this says
    # the same as a plain sentence.
    msg_fmt = "Sort key supplied is invalid: {key}"


class InvalidSortDir(InvalidInput):
    msg_fmt = ("Invalid input received: Unknown sort direction, "
               "must be 'asc' or 'desc'")


class NotificationWithoutVMoves(Invalid):
    msg_fmt = "This notification {id} without vm moves."


class InvalidAPIVersionString(Invalid):
    msg_fmt = ("API Version String {version} is of invalid format. Must "
               "be of format MajorNum.MinorNum.")


# --- 403 -------------------------------------------------------------------

class Forbidden(MasakariException):
    msg_fmt = "Forbidden"
    code = 403


class PolicyNotAuthorized(Forbidden):
    msg_fmt = "Policy doesn't allow {action} to be performed."


# --- 404 -------------------------------------------------------------------

class NotFound(MasakariException):
    msg_fmt = "Resource could not be found."
    code = 404


class FailoverSegmentNotFound(NotFound):
    msg_fmt = "No failover segment with id {id}."


class FailoverSegmentNotFoundByName(NotFound):
    msg_fmt = "Failover segment with name {segment_name} could not be found."


class HostNotFound(NotFound):
    msg_fmt = "No host with id {id}."


class HostNotFoundByName(NotFound):
    # Surfaced as 400 by notification create: the report names a host
    # masakari does not know.
    msg_fmt = "Host with name {host_name} could not be found."


class HostNotFoundUnderFailoverSegment(NotFound):
    msg_fmt = ("Host '{host_uuid}' under failover_segment "
               "'{segment_uuid}' could not be found.")


class NotificationNotFound(NotFound):
    msg_fmt = "No notification with id {id}."


class VMoveNotFound(NotFound):
    msg_fmt = "No vm move with id {id}."


class ComputeNotFoundByName(NotFound):
    # Surfaced as 400 by host create/update: Nova has no compute service of
    # that name.
    msg_fmt = "Compute service with name {compute_name} could not be found."


class VersionNotFoundForAPIMethod(NotFound):
    msg_fmt = "API version {version} is not supported on this method."


# --- 409 -------------------------------------------------------------------

class Conflict(MasakariException):
    msg_fmt = "Conflict"
    code = 409


class FailoverSegmentExists(Conflict):
    msg_fmt = "Failover segment with name {name} already exists."


class HostExists(Conflict):
    msg_fmt = "Host with name {name} already exists."


class HostOnMaintenanceError(Conflict):
    msg_fmt = ("Notification received from host {host_name} of type "
               "'{notification_type}' is ignored as the host is already "
               "under maintenance.")


class DuplicateNotification(Conflict):
    msg_fmt = ("Notification received from host {host} of type {type} "
               "is duplicate.")


class _InUse(Conflict):
    """In-use conflicts; the wire text differs between update and delete."""

    templates: dict[str, str] = {}

    def _template(self) -> str:
        action = self.kwargs.get("action", "updated")
        return self.templates.get(action, self.msg_fmt)


class FailoverSegmentInUse(_InUse):
    """``FailoverSegmentInUse(uuid=..., action='updated'|'deleted')``."""

    msg_fmt = ("Failover segment {uuid} can't be {action} as it is in-use "
               "to process notifications.")
    templates = {
        "deleted": ("Failover segment ({uuid}) can't be deleted as it is "
                    "in-use to process notifications."),
    }


class HostInUse(_InUse):
    """``HostInUse(uuid=..., action='updated'|'deleted')``."""

    msg_fmt = ("Host {uuid} can't be {action} as it is in-use to process "
               "notifications.")


class NotificationStatusConflict(Conflict):
    """A compare-and-set update of a notification found another state."""

    msg_fmt = ("Notification {notification_uuid} is in status {status}, "
               "expected {expected}.")


# --- DB / migrations -------------------------------------------------------

class DBNotConfigured(MasakariException):
    msg_fmt = ("No database connection configured: set [database] "
               "connection.")
