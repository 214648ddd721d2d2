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

"""What one monitor daemon shares, built once by its console script.

The context carries the parsed configuration, the notification spool, the
notifier that writes into that spool and the libvirt event loop holder.
The console script builds it after parsing the command line and passes it
to the manager (``Manager.from_context``); no module keeps any of it.
"""

import dataclasses
import os

from oslo_config import cfg
from oslo_log import log as logging

from masakarimonitors.common import libvirt_events
from masakarimonitors.common import notifier as notifier_mod
from masakarimonitors.common import spool as spool_mod

LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class MonitorContext:
    """The wiring of one daemon: configuration, notifier and spool."""

    conf: cfg.ConfigOpts
    binary: str
    notifier: notifier_mod.Notifier
    spool: spool_mod.Spool | None = None
    event_loop: libvirt_events.EventLoop = dataclasses.field(
        default_factory=libvirt_events.EventLoop)

    def replayer(self) -> notifier_mod.Replayer | None:
        """The resender of spooled notifications (None without a spool).

        It has its own sender (HTTP client) so a replay never waits for a
        live notification's request, nor the other way round.
        """
        if self.spool is None:
            return None
        return notifier_mod.Replayer(self.spool,
                                     self.conf.spool_replay_interval,
                                     notifier_mod.Sender(self.conf))


def open_spool(conf: cfg.ConfigOpts, binary: str) -> spool_mod.Spool | None:
    """The daemon's spool directory; None when disabled or unusable."""
    if not conf.spool_dir:
        return None
    path = os.path.join(conf.spool_dir, binary)
    try:
        return spool_mod.Spool(path, conf.spool_max_entries)
    except OSError as exc:
        LOG.warning("Notification spool %s unusable (%s): notifications "
                    "that cannot be delivered will be lost", path, exc)
        return None


def build(conf: cfg.ConfigOpts, binary: str, retry_max: int,
          retry_interval: float) -> MonitorContext:
    """Open the spool and build the notifier with the daemon's retry policy.

    ``conf`` must already be parsed: the spool location and the retry
    settings come from it.
    """
    spool = open_spool(conf, binary)
    notifier = notifier_mod.Notifier(retry_max, retry_interval, conf,
                                     spool=spool)
    return MonitorContext(conf=conf, binary=binary, notifier=notifier,
                          spool=spool)
