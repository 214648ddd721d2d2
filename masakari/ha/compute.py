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

A seam: tests (and deployments without Nova, e.g. benchmarks) replace the
checker with :func:`set_checker`.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

Checker = Callable[[Any, str], None]

_LOCK = threading.Lock()
_checker: Checker | None = None
_nova_api: Any = None


def _nova_check(context: Any, host_name: str) -> None:
    global _nova_api
    with _LOCK:
        if _nova_api is None:
            from masakari.compute import nova
            _nova_api = nova.API()
        api = _nova_api
    api.find_compute_service(context, host_name)


def set_checker(checker: Checker | None) -> None:
    """Install a replacement (None restores the Nova check)."""
    global _checker
    _checker = checker


def check_compute_host(context: Any, host_name: str) -> None:
    """Raise ComputeNotFoundByName when Nova has no such compute service."""
    (_checker or _nova_check)(context, host_name)
