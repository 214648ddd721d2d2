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

"""Dispatch on path prefix: ``/v1`` matches ``/v1`` and ``/v1/...`` only."""

from __future__ import annotations

from typing import Any, Callable, Iterable


class URLMap:
    def __init__(self, mounts: dict[str, Callable]) -> None:
        # Longest prefix first so /v1 wins over /.
        self.mounts = sorted(((p.rstrip('/'), app) for p, app in
                              mounts.items()),
                             key=lambda item: len(item[0]), reverse=True)

    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        path = environ.get('PATH_INFO', '')
        for prefix, app in self.mounts:
            if not prefix or path == prefix or path.startswith(prefix + '/'):
                environ['SCRIPT_NAME'] = environ.get('SCRIPT_NAME', '') + \
                    prefix
                environ['PATH_INFO'] = path[len(prefix):]
                return app(environ, start_response)
        start_response('404 Not Found', [('Content-Type', 'text/plain')])
        return [b'Not Found']


def urlmap_factory(loader: Any, global_conf: dict, **local_conf: str
                   ) -> URLMap:
    mounts = {}
    for path, app_name in local_conf.items():
        if path.startswith('/'):
            mounts[path] = loader.get_app(app_name, global_conf=global_conf)
    return URLMap(mounts)
