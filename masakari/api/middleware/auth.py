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

"""Build the request context: keystone headers, or noauth2 for tests."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from masakari.api import app as v1_app
from masakari.api import appctx
from masakari.api import errors
from masakari.api.middleware import base
from masakari import context as masakari_context
from masakari import policy

UNAUTHORIZED = 'The request you have made requires authentication.'


def _context(environ: dict, conf: Any) -> masakari_context.RequestContext:
    ctx = masakari_context.RequestContext.from_environ(environ)
    if conf.use_forwarded_for:
        forwarded = environ.get('HTTP_X_FORWARDED_FOR')
        if forwarded:
            ctx.remote_address = forwarded.split(',')[0].strip()
    return ctx


class KeystoneContext(base.Middleware):
    """Context from the identity headers set by keystonemiddleware."""

    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        ctx = _context(environ, self.app_context.conf)
        if not ctx.user_id:
            resp = errors.fault_response(401, UNAUTHORIZED)
            return resp(environ, start_response)
        ctx.is_admin = policy.check_is_admin(self.app_context.enforcer, ctx)
        environ[v1_app.CONTEXT_KEY] = ctx
        return self.application(environ, start_response)


class NoAuth2(base.Middleware):
    """Testing only: the same headers, and every request is admin."""

    def __call__(self, environ: dict, start_response: Callable
                 ) -> Iterable[bytes]:
        ctx = _context(environ, self.app_context.conf)
        ctx.is_admin = True
        environ[v1_app.CONTEXT_KEY] = ctx
        return self.application(environ, start_response)


def pipeline_factory(loader: Any, global_conf: dict, **local_conf: str
                     ) -> Callable:
    """paste composite: pick the pipeline named by ``auth_strategy``."""
    strategy = appctx.from_paste(global_conf).conf.auth_strategy
    names = local_conf[strategy].split()
    app = loader.get_app(names[-1], global_conf=global_conf)
    for name in reversed(names[:-1]):
        app = loader.get_filter(name, global_conf=global_conf)(app)
    return app
