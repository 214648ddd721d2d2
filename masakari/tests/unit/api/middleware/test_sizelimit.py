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

"""The body size limit registers its option once, not per request."""

from oslo_config import cfg

from masakari.api import appctx
from masakari.api.middleware import sizelimit


def test_option_registered_with_the_context_not_per_request(monkeypatch):
    conf = cfg.ConfigOpts()
    conf([])
    appctx.register_middleware_opts(conf)
    assert sizelimit.max_body_size(conf) == sizelimit.DEFAULT_MAX
    calls = []
    real = conf.register_opts
    monkeypatch.setattr(conf, 'register_opts',
                        lambda *a, **k: calls.append(a) or real(*a, **k))
    conf.set_override('max_request_body_size', 4096,
                      group='oslo_middleware')
    for _ in range(3):
        assert sizelimit.max_body_size(conf) == 4096
    # Registering would flush oslo.config's value cache on every request.
    assert calls == []
