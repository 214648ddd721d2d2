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

"""Version documents and the root (``/``) version-discovery application."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any, Callable, Iterable

import webob

from masakari.api import appctx
from masakari.api import microversion

V1_ID = 'v1.0'
UPDATED = '2016-07-01T11:33:21Z'
MEDIA_TYPES = [{'base': 'application/json',
                'type': 'application/vnd.openstack.masakari+json;version=1'}]


def base_url(host_url: str, script_name: str,
             prefix: str | None = None) -> str:
    """scheme://host[:port] plus SCRIPT_NAME, rewritten by ``prefix``."""
    url = host_url.rstrip('/') + script_name.rstrip('/')
    if prefix:
        pre = urllib.parse.urlsplit(prefix)
        cur = urllib.parse.urlsplit(url)
        path = pre.path.rstrip('/') + cur.path
        url = urllib.parse.urlunsplit(
            (pre.scheme or cur.scheme, pre.netloc or cur.netloc, path, '',
             ''))
    return url.rstrip('/')


def v1_document(base: str,
                highest: microversion.Version = microversion.
                UPSTREAM_MAX_VERSION) -> dict:
    """The body of GET /v1 (key order as upstream emits it)."""
    return {'version': {
        'id': V1_ID,
        'status': 'CURRENT',
        'version': str(highest),
        'min_version': str(microversion.MIN_VERSION),
        'updated': UPDATED,
        'links': [
            {'rel': 'self', 'href': base + '/v1/'},
            {'rel': 'describedby', 'type': 'text/html',
             'href': 'https://docs.openstack.org/'},
        ],
        'media-types': MEDIA_TYPES,
    }}


def root_document(base: str,
                  highest: microversion.Version = microversion.
                  UPSTREAM_MAX_VERSION) -> dict:
    return {'versions': [{
        'id': V1_ID,
        'status': 'CURRENT',
        'version': str(highest),
        'min_version': str(microversion.MIN_VERSION),
        'updated': UPDATED,
        'links': [{'rel': 'self', 'href': base + '/v1/'}],
    }]}


def choices_document(base: str, path: str) -> dict:
    return {'choices': [{
        'id': V1_ID,
        'status': 'CURRENT',
        'links': [{'rel': 'self', 'href': base + '/v1' + path}],
        'media-types': MEDIA_TYPES,
    }]}


class RootApplication:
    """Answers ``/`` (200, any method) and every other path (300)."""

    def __init__(self, conf: Any) -> None:
        self.conf = conf

    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        req = webob.Request(environ)
        base = base_url(req.host_url, req.script_name,
                        self.conf.osapi_masakari_link_prefix)
        if req.path_info in ('', '/'):
            status, doc = 200, root_document(
                base, microversion.maximum(self.conf))
        else:
            status, doc = 300, choices_document(base, req.path_info)
        resp = webob.Response(status=status, body=json.dumps(doc).encode())
        resp.headers['Content-Type'] = 'application/json'
        return resp(environ, start_response)


def root_factory(global_conf: dict, **local_conf: Any) -> RootApplication:
    return RootApplication(appctx.from_paste(global_conf).conf)
