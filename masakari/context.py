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

"""The request context shared by the API, RPC and the engine."""

from __future__ import annotations

from typing import Any

from oslo_context import context


class RequestContext(context.RequestContext):
    """oslo.context's RequestContext; policy values also carry is_admin."""

    def to_policy_values(self) -> Any:
        values = super().to_policy_values()
        values['is_admin'] = self.is_admin
        return values


def get_admin_context() -> RequestContext:
    return RequestContext(is_admin=True, overwrite=False)
