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

"""Outcomes of recovery flows, as exceptions signalled by recovery drivers."""

from masakari import exception


class FailoverSegmentDisabled(exception.MasakariException):
    msg_fmt = "Failover segment {segment_uuid} is disabled."
    code = 409


class SkipHostRecoveryException(exception.MasakariException):
    msg_fmt = "Skipping host recovery: {reason}"


class HostRecoveryFailureException(exception.MasakariException):
    msg_fmt = "Failed to recover host: {reason}"


class ReservedHostsUnavailable(exception.MasakariException):
    msg_fmt = "No reserved host is available to evacuate host {host_name}."


class SkipInstanceRecoveryException(exception.MasakariException):
    msg_fmt = "Skipping instance recovery: {reason}"


class IgnoreInstanceRecoveryException(exception.MasakariException):
    msg_fmt = "Instance recovery ignored: {reason}"


class InstanceRecoveryFailureException(exception.MasakariException):
    msg_fmt = "Failed to recover instance: {reason}"


class SkipProcessRecoveryException(exception.MasakariException):
    msg_fmt = "Skipping process recovery: {reason}"


class ProcessRecoveryFailureException(exception.MasakariException):
    msg_fmt = "Failed to recover process: {reason}"


class RecoveryCancelled(exception.MasakariException):
    """The engine lost ownership of the notification or is shutting down."""

    msg_fmt = (
        "Recovery of notification {notification_uuid} interrupted: {reason}"
    )


class WaitTimeout(exception.MasakariException):
    msg_fmt = "Timed out after {timeout} seconds waiting for {what}."


class InvalidRecoveryFlowConfig(exception.MasakariException):
    msg_fmt = (
        "Invalid recovery workflow configuration [{group}] {option}: {reason}"
    )


class HostNotFenced(exception.MasakariException):
    """[fencing] mode required: the host was not proven off."""

    msg_fmt = (
        "Host {host_name} was not proven powered off ({reason}); nothing "
        "was evacuated."
    )


class SafetyGateClosed(exception.MasakariException):
    """A fencing safety gate stopped the recovery of a host."""

    msg_fmt = (
        "Recovery of host {host_name} stopped by a safety gate: {reason}"
    )
