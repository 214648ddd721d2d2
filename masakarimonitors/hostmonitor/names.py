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

"""Recognising this host among cluster node names.

Cluster stacks name nodes by short name or FQDN independently of what
``socket.gethostname()`` returns, so both forms are compared.
"""

from __future__ import annotations

import socket
from typing import Iterable


def _short(name: str) -> str:
    return name.split(".", 1)[0].lower()


class SelfNames:
    def __init__(self, names: Iterable[str | None]) -> None:
        self._full = {n.lower() for n in names if n}
        self._short = {_short(n) for n in self._full}

    @classmethod
    def from_conf(cls, conf) -> SelfNames:
        return cls([socket.gethostname(), conf.hostname])

    def matches(self, name: str | None) -> bool:
        if not name:
            return False
        return name.lower() in self._full or _short(name) in self._short
