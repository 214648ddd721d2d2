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

"""Client side of the engine RPC API (topic ``ha_engine``, version 1.1)."""

from __future__ import annotations

from typing import Any

import oslo_messaging as messaging
from oslo_config import cfg

from masakari import rpc

RPC_API_VERSION = '1.1'
DEFAULT_TOPIC = 'ha_engine'


def topic(conf: cfg.ConfigOpts) -> str:
    return conf.masakari_topic or DEFAULT_TOPIC


class EngineAPI:
    """Casts notifications to an engine and asks for workflow details.

    1.0 - process_notification (cast)
    1.1 - get_notification_recovery_workflow_details (call)
    """

    def __init__(self, client: Any = None,
                 conf: cfg.ConfigOpts | None = None,
                 transports: rpc.Transports | None = None) -> None:
        """Use ``client``, or build one from ``conf`` on ``transports``."""
        if client is None:
            if conf is None or transports is None:
                raise TypeError(
                    "EngineAPI needs a client, or a conf and transports")
            target = messaging.Target(topic=topic(conf),
                                      version=RPC_API_VERSION)
            client = transports.client(target)
        self.client = client

    def process_notification(self, context: Any,
                             notification_uuid: str) -> None:
        # retry=1: while the broker is unreachable the cast fails fast
        # instead of blocking the API request; the row is already committed
        # and the engine's periodic scan picks it up.
        cctxt = self.client.prepare(version='1.0', retry=1)
        cctxt.cast(context, 'process_notification',
                   notification_uuid=notification_uuid)

    def get_notification_recovery_workflow_details(
            self, context: Any, notification_uuid: str,
            timeout: float | None = None) -> list[dict]:
        kwargs = {'version': '1.1'}
        if timeout is not None:
            kwargs['timeout'] = timeout
        cctxt = self.client.prepare(**kwargs)
        return cctxt.call(context,
                          'get_notification_recovery_workflow_details',
                          notification_uuid=notification_uuid)
