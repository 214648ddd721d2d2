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

"""oslo.messaging plumbing: transports, RPC client/server, notifier.

Native threads only: servers use the ``threading`` executor. The control
exchange is ``masakari`` and the request context travels as
``RequestContext.to_dict()``.
"""

from __future__ import annotations

import threading
from typing import Any

import oslo_messaging as messaging
from oslo_config import cfg

from masakari import context as masakari_context

EXCHANGE = 'masakari'
VERSIONED_TOPIC = 'versioned_notifications'

_LOCK = threading.Lock()
_TRANSPORTS: dict[str, Any] = {}


def set_defaults() -> None:
    messaging.set_transport_defaults(control_exchange=EXCHANGE)


class ContextSerializer(messaging.Serializer):
    """Serialises the context with to_dict(); entities pass through."""

    def __init__(self, base: messaging.Serializer | None = None) -> None:
        self._base = base

    def serialize_entity(self, ctxt: Any, entity: Any) -> Any:
        if self._base is None:
            return entity
        return self._base.serialize_entity(ctxt, entity)

    def deserialize_entity(self, ctxt: Any, entity: Any) -> Any:
        if self._base is None:
            return entity
        return self._base.deserialize_entity(ctxt, entity)

    def serialize_context(self, ctxt: Any) -> dict:
        if isinstance(ctxt, dict):
            return ctxt
        return ctxt.to_dict()

    def deserialize_context(self, ctxt: dict) -> Any:
        return masakari_context.RequestContext.from_dict(ctxt)


def get_transport(conf: cfg.ConfigOpts | None = None) -> Any:
    """The process-wide RPC transport (created on first use)."""
    conf = conf or cfg.CONF
    with _LOCK:
        if 'rpc' not in _TRANSPORTS:
            set_defaults()
            _TRANSPORTS['rpc'] = messaging.get_rpc_transport(conf)
        return _TRANSPORTS['rpc']


def get_notification_transport(conf: cfg.ConfigOpts | None = None) -> Any:
    conf = conf or cfg.CONF
    with _LOCK:
        if 'notification' not in _TRANSPORTS:
            set_defaults()
            _TRANSPORTS['notification'] = \
                messaging.get_notification_transport(conf)
        return _TRANSPORTS['notification']


def cleanup() -> None:
    """Drop (and close) the cached transports; used by tests and shutdown."""
    with _LOCK:
        for transport in _TRANSPORTS.values():
            try:
                transport.cleanup()
            except Exception:  # noqa: BLE001,S110 - best effort at shutdown
                pass
        _TRANSPORTS.clear()


def get_client(target: messaging.Target, version_cap: str | None = None,
               conf: cfg.ConfigOpts | None = None) -> messaging.RPCClient:
    return messaging.get_rpc_client(get_transport(conf), target,
                                    version_cap=version_cap,
                                    serializer=ContextSerializer())


def get_server(target: messaging.Target, endpoints: list,
               conf: cfg.ConfigOpts | None = None) -> Any:
    return messaging.get_rpc_server(get_transport(conf), target, endpoints,
                                    executor='threading',
                                    serializer=ContextSerializer())


def notifications_enabled(conf: cfg.ConfigOpts | None = None) -> bool:
    conf = conf or cfg.CONF
    try:
        return bool(conf.oslo_messaging_notifications.driver)
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
        return False


def get_notifier(publisher_id: str, conf: cfg.ConfigOpts | None = None
                 ) -> messaging.Notifier:
    """A Notifier on the fixed ``versioned_notifications`` topic."""
    return messaging.Notifier(get_notification_transport(conf),
                              publisher_id=publisher_id,
                              serializer=ContextSerializer(),
                              topics=[VERSIONED_TOPIC])
