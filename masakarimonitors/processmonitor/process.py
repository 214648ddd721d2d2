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

"""masakari-processmonitor: keep listed processes up, report lasting failures.

Per cycle (every ``[process] check_interval`` s): one /proc scan; for each
listed process that is down and not already reported, run the restart
sequence up to ``restart_retries + 1`` times, each time waiting up to
``restart_interval`` s for the process to appear. Only a process that is
still down after the last attempt is reported (PROCESS/STOPPED), once,
until it is seen running again. The list file is re-read every cycle; a
broken edit keeps the previous list (logged) instead of stopping.
"""

import time

from oslo_config import cfg
from oslo_log import log as logging

from masakarimonitors.common import manager
from masakarimonitors.common import notifier as notifier_mod
from masakarimonitors.common import utils
from masakarimonitors.processmonitor import detector
from masakarimonitors.processmonitor import process_list

LOG = logging.getLogger(__name__)

UP_POLL = 0.2


class ProcessmonitorManager(manager.Manager):

    def __init__(self, conf: cfg.ConfigOpts, notifier, scan=None,
                 execute=None, clock=time.monotonic) -> None:
        super().__init__(conf)
        self._use_sender(notifier, name="process-notify")
        self.scan = scan or detector.scan
        self.execute = execute or utils.execute
        self.clock = clock
        self.entries: list = []
        self.reported: set = set()

    # -- life cycle -------------------------------------------------------
    def init_host(self) -> None:
        self.entries = process_list.load(self.conf.process.process_list_path)
        self._start_sending()

    def main(self) -> None:
        self.start_processes()
        while self.running:
            self.check_once()
            self.reload()
            self.stop_event.wait(self.conf.process.check_interval)

    # -- steps ------------------------------------------------------------
    def start_processes(self) -> None:
        """Start every listed process that is not already running."""
        processes = self.scan()
        for entry in self.entries:
            if detector.is_running(entry.process_name, processes):
                LOG.info("%s is already running", entry.process_name)
                continue
            if not self._run(entry, entry.pre_start_command, "pre-start"):
                continue
            self._run(entry, entry.start_command, "start")
            self._run(entry, entry.post_start_command, "post-start")

    def check_once(self) -> list:
        """One detection pass; returns the entries reported this pass."""
        processes = self.scan()
        reported = []
        for entry in self.entries:
            if not self.running:
                break
            if detector.is_running(entry.process_name, processes):
                self.reported.discard(entry.process_name)
                continue
            if entry.process_name in self.reported:
                continue
            LOG.warning("Process %s is not running", entry.process_name)
            if self.restart(entry):
                LOG.info("Process %s restarted", entry.process_name)
                continue
            self.report(entry)
            reported.append(entry)
        return reported

    def restart(self, entry) -> bool:
        """Try to bring ``entry`` back; True once it is seen running."""
        interval = self.conf.process.restart_interval
        attempts = self.conf.process.restart_retries + 1
        for attempt in range(1, attempts + 1):
            if not self.running:
                return False
            LOG.info("Restarting %s (attempt %d of %d)", entry.process_name,
                     attempt, attempts)
            ok = (self._run(entry, entry.pre_restart_command, "pre-restart")
                  and self._run(entry, entry.restart_command, "restart")
                  and self._run(entry, entry.post_restart_command,
                                "post-restart"))
            if ok and self._wait_until_up(entry, interval):
                return True
            if not ok:
                self.stop_event.wait(interval)
        return False

    def report(self, entry) -> None:
        LOG.error("Process %s stays down after %d restart attempt(s): "
                  "notifying masakari", entry.process_name,
                  self.conf.process.restart_retries + 1)
        self.reported.add(entry.process_name)
        self.dispatcher.submit(("PROCESS", entry.process_name), {
            "type": "PROCESS",
            "hostname": self.hostname,
            "generated_time": notifier_mod.utcnow(),
            "payload": {"event": "STOPPED",
                        "process_name": entry.short_name},
        })

    def reload(self) -> None:
        try:
            entries = process_list.load(self.conf.process.process_list_path)
        except process_list.ProcessListError as exc:
            LOG.error("Keeping the previous process list: %s", exc)
            return
        names = {entry.process_name for entry in entries}
        self.reported &= names
        self.entries = entries

    # -- helpers ----------------------------------------------------------
    def _wait_until_up(self, entry, timeout: float) -> bool:
        deadline = self.clock() + timeout
        while True:
            if detector.is_running(entry.process_name, self.scan()):
                return True
            remaining = deadline - self.clock()
            if remaining <= 0 or not self.running:
                return False
            self.stop_event.wait(min(UP_POLL, remaining))

    def _run(self, entry, command: str | None, what: str) -> bool:
        """Run an optional command of ``entry``; True on success."""
        if not command:
            return True
        try:
            argv = utils.split_command(command)
            self.execute(*argv, run_as_root=entry.run_as_root,
                         timeout=self.conf.process.command_timeout)
        except (utils.ProcessExecutionError, ValueError) as exc:
            LOG.warning("%s command of %s failed: %s", what,
                        entry.process_name, exc)
            return False
        return True
