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

"""A ``fixtures.Fixture`` wrapper for testtools/oslotest style tests.

    cloud = self.useFixture(CloudFixture(scale=100)).cloud

pytest users can simply ``with CloudSimulator(...) as cloud: yield cloud``.
"""

from __future__ import annotations

import fixtures

from masakari.testing.cloud.simulator import CloudSimulator


class CloudFixture(fixtures.Fixture):
    """Starts a :class:`CloudSimulator` and stops it on cleanup."""

    def __init__(self, **kwargs) -> None:
        super().__init__()
        self._kwargs = kwargs
        self.cloud: CloudSimulator | None = None

    def _setUp(self) -> None:
        self.cloud = CloudSimulator(**self._kwargs).start()
        self.addCleanup(self.cloud.stop)
