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

"""Load the WSGI application from the paste configuration."""

from __future__ import annotations

import os
from typing import Any

from oslo_config import cfg
from paste.deploy import loadwsgi

from masakari.api import appctx
from masakari.api.middleware import edge
from masakari import rpc

APP_NAME = 'masakari_api'
_REPO_PASTE = os.path.join(os.path.dirname(__file__), '..', '..', 'etc',
                           'masakari', 'api-paste.ini')


class PasteConfigNotFound(Exception):
    pass


def find_paste_config(conf: cfg.ConfigOpts) -> str:
    """The paste file: [wsgi] api_paste_config, looked up like oslo does."""
    name = conf.wsgi.api_paste_config
    if os.path.isabs(name) and os.path.exists(name):
        return name
    found = conf.find_file(name)
    if found:
        return os.path.abspath(found)
    candidates = [name, os.path.join('/etc/masakari', name),
                  os.path.abspath(_REPO_PASTE)]
    for path in candidates:
        if os.path.exists(path) and os.path.basename(path) == \
                os.path.basename(name):
            return os.path.abspath(path)
    raise PasteConfigNotFound(f'Could not find paste config {name!r}')


def load_app(target: cfg.ConfigOpts | appctx.AppContext,
             name: str = APP_NAME) -> Any:
    """The paste application ``name``, every part of it given the
    application context (built from ``target`` when that is a
    configuration)."""
    context = target if isinstance(target, appctx.AppContext) \
        else appctx.AppContext(target)
    rpc.set_defaults()
    path = find_paste_config(context.conf)
    loader = loadwsgi.loadcontext(loadwsgi.APP, f'config:{path}', name=name)
    # Paste interpolates its own defaults as strings; objects go into the
    # global configuration after loading, from where every factory (and
    # the composites' loaders) receive them.
    loader.global_conf[appctx.PASTE_KEY] = context
    return edge.Edge(loader.create(), context)
