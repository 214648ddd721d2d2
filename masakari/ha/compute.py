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

"""The one Nova question the API asks: is there a nova-compute on <host>?

The application context holds the checker; tests (and deployments
without Nova, e.g. benchmarks) give it a replacement instead.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

Checker = Callable[[Any, str], None]


class NovaCheck:
    """Asks Nova's os-services API; its client is made on first use."""

    def __init__(self, conf: Any) -> None:
        self.conf = conf
        self._lock = threading.Lock()
        self._nova_api: Any = None

    def __call__(self, context: Any, host_name: str) -> None:
        """Raise ComputeNotFoundByName when Nova has no such compute
        service."""
        with self._lock:
            if self._nova_api is None:
                from masakari.compute import nova
                self._nova_api = nova.API(conf=self.conf)
            api = self._nova_api
        api.find_compute_service(context, host_name)
