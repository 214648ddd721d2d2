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

"""The shape shared by masakari's own WSGI middleware."""

from __future__ import annotations

from typing import Any, Callable

from masakari.api import appctx


class Middleware:
    """Wraps ``application``, with the service's application context."""

    def __init__(self, application: Callable,
                 app_context: appctx.AppContext) -> None:
        self.application = application
        self.app_context = app_context

    @classmethod
    def factory(cls, global_conf: dict, **local_conf: Any) -> Callable:
        """paste.filter_factory: the filter for the loader's context."""
        context = appctx.from_paste(global_conf)

        def _filter(application: Callable) -> Middleware:
            return cls(application, context)
        return _filter
