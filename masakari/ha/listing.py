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

"""Listing the children of one parent row (hosts of a segment, ...)."""

from __future__ import annotations

from typing import Any, Callable


def list_children(get_all: Callable[..., list], parent_key: str,
                  parent_uuid: str, filters: dict, sort_keys: list | None,
                  sort_dirs: list | None, limit: int | None,
                  marker: str | None) -> list:
    """``get_all`` restricted to the parent; ``limit`` 0 reads nothing.

    The caller has already checked that the parent exists (404 first).
    """
    if limit == 0:
        return []
    kwargs: dict[str, Any] = {
        'filters': dict(filters, **{parent_key: parent_uuid}),
        'sort_keys': sort_keys, 'sort_dirs': sort_dirs, 'limit': limit,
        'marker': marker}
    return get_all(**kwargs)
