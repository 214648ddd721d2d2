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

"""What a handler receives (ApiRequest) and returns (ApiResponse)."""

from __future__ import annotations

import dataclasses
from typing import Any

import webob

from masakari.api import microversion


@dataclasses.dataclass
class ApiResponse:
    status: int
    body: Any = None
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


class ApiRequest:
    """A routed /v1 request: context, microversion, parsed body, params."""

    def __init__(self, webob_request: webob.Request, context: Any,
                 version: microversion.Version, body: Any = None,
                 app: Any = None) -> None:
        self.webob = webob_request
        # The service's AppContext (configuration, policy, intake).
        self.app = app
        self.context = context
        self.version = version
        self.body = body

    def is_at_least(self, major: int, minor: int) -> bool:
        return self.version >= (major, minor)

    def param(self, name: str) -> str | None:
        """The last value of a query parameter (last one wins)."""
        values = self.webob.GET.getall(name)
        return values[-1] if values else None

    def params(self, name: str) -> list[str]:
        return self.webob.GET.getall(name)
