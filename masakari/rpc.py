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


class Transports:
    """The RPC and notification transports of one service.

    Created on first use and closed by :meth:`cleanup`.
    """

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf
        self._lock = threading.Lock()
        self._transports: dict[str, Any] = {}

    def rpc(self) -> Any:
        with self._lock:
            if 'rpc' not in self._transports:
                set_defaults()
                self._transports['rpc'] = \
                    messaging.get_rpc_transport(self.conf)
            return self._transports['rpc']

    def notification(self) -> Any:
        with self._lock:
            if 'notification' not in self._transports:
                set_defaults()
                self._transports['notification'] = \
                    messaging.get_notification_transport(self.conf)
            return self._transports['notification']

    def server(self, target: messaging.Target, endpoints: list) -> Any:
        """An RPC server on the threading executor."""
        return messaging.get_rpc_server(self.rpc(), target, endpoints,
                                        executor='threading',
                                        serializer=ContextSerializer())

    def client(self, target: messaging.Target,
               version_cap: str | None = None) -> messaging.RPCClient:
        return messaging.get_rpc_client(self.rpc(), target,
                                        version_cap=version_cap,
                                        serializer=ContextSerializer())

    def cleanup(self) -> None:
        """Close the transports (best effort)."""
        with self._lock:
            for transport in self._transports.values():
                try:
                    transport.cleanup()
                except Exception:  # noqa: BLE001,S110 - shutting down
                    pass
            self._transports.clear()


def notifications_enabled(conf: cfg.ConfigOpts) -> bool:
    # oslo.messaging registers this group when it builds a transport;
    # before that no notification driver can have been configured.
    if 'oslo_messaging_notifications' not in conf:
        return False
    return bool(conf.oslo_messaging_notifications.driver)


def make_notifier(transports: Transports, publisher_id: str
                  ) -> messaging.Notifier:
    """A Notifier on the fixed ``versioned_notifications`` topic."""
    return messaging.Notifier(transports.notification(),
                              publisher_id=publisher_id,
                              serializer=ContextSerializer(),
                              topics=[VERSIONED_TOPIC])
