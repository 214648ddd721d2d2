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

"""Errors of the Nova wrapper (translated keystoneauth/HTTP errors)."""

from masakari import exception


class ComputeError(exception.MasakariException):
    """A Nova request failed in a way that retrying will not fix."""

    msg_fmt = "Nova request {method} {url} failed: {reason}"
    code = 500


class ComputeUnavailable(ComputeError):
    """Nova unreachable, timed out, or answered 429/5xx (retryable)."""

    msg_fmt = "Nova is unavailable for {method} {url}: {reason}"
    code = 503


class ComputeForbidden(ComputeError):
    msg_fmt = "Nova refused {method} {url}: {reason}"
    code = 403


class ComputeBadRequest(exception.InvalidInput):
    msg_fmt = "Nova rejected {method} {url}: {reason}"


class ComputeNotFound(exception.NotFound):
    msg_fmt = "Nova has no resource for {method} {url}: {reason}"


class ComputeConflict(exception.Conflict):
    msg_fmt = "Nova reported a conflict for {method} {url}: {reason}"
