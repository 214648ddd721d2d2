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

"""A task that does nothing (placeholder in custom workflows)."""

import logging
from typing import Any

from taskflow import task

LOG = logging.getLogger(__name__)


class Noop(task.Task):
    """Logs one line; records no progress."""

    def __init__(
        self, context: Any = None, novaclient: Any = None, **kwargs: Any
    ) -> None:
        kwargs.pop("runtime", None)
        kwargs.setdefault("name", f"{__name__}.{self.__class__.__name__}")
        super().__init__(**kwargs)

    def execute(self, **kwargs: Any) -> None:
        LOG.info("Custom task executed successfully.")
