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

"""Daemon runtime shared by the four monitors: service, launcher, run().

The service follows oslo.service's ``ServiceBase`` contract (start, stop,
wait, reset) and runs the manager's blocking ``main()`` in a native
thread. The launcher is in-process: oslo.service's threading
``ServiceLauncher`` forks a cotyledon child per service (doubling a
monitor's memory) and its no-fork mode cannot reload on SIGHUP, so a small
launcher with the same signal semantics is used instead:
SIGTERM/SIGINT stop, SIGHUP re-reads the configuration files and restarts
the service with the same manager.
"""

import collections
import os
import select
import signal
import sys
import tempfile
import threading

from oslo_config import cfg
from oslo_log import log as logging
from oslo_service.backend import base as service_base
from oslo_utils import importutils

from masakarimonitors.common import config
from masakarimonitors.common import context as context_mod
from masakarimonitors.common import monkey_patch

LOG = logging.getLogger(__name__)

BINARY_PREFIX = "masakarimonitors-"
STOP_TIMEOUT = 30.0


class StartupError(Exception):
    """The daemon cannot start (reported, exit status 1)."""


def binary_name(manager_option_name: str) -> str:
    """``hostmonitor_manager`` -> ``masakarimonitors-hostmonitor``."""
    return BINARY_PREFIX + manager_option_name[:-len("_manager")]


def check_tempdir(tempdir: str | None) -> None:
    try:
        path = tempfile.mkdtemp(dir=tempdir)
        os.rmdir(path)
    except OSError as exc:
        raise StartupError(
            f"Temporary directory {tempdir or tempfile.gettempdir()!r} is "
            f"not usable: {exc}") from exc


class MonitorService(service_base.ServiceBase):
    """Runs one manager's ``main()`` in a thread."""

    def __init__(self, manager, binary: str, conf: cfg.ConfigOpts) -> None:
        self.manager = manager
        self.binary = binary
        self.conf = conf
        self.host = conf.hostname
        self._thread: threading.Thread | None = None
        self.finished = threading.Event()
        self.failed = False
        self.stopping = False

    def start(self) -> None:
        self.stopping = False
        check_tempdir(self.conf.tempdir)
        init_host = getattr(self.manager, "init_host", None)
        if init_host is not None:
            init_host()
        self.finished.clear()
        self.failed = False
        self._thread = threading.Thread(target=self._main, daemon=True,
                                        name=self.binary + "-main")
        self._thread.start()

    def _main(self) -> None:
        try:
            self.manager.main()
        except Exception:
            LOG.exception("%s: monitoring loop failed", self.binary)
            self.failed = True
        finally:
            self.finished.set()

    def stop(self, graceful: bool = False) -> None:
        self.stopping = True
        self.manager.stop()

    def wait(self, timeout: float | None = STOP_TIMEOUT) -> bool:
        """Wait for ``main()`` to return; True when it did."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def reset(self) -> None:
        reset = getattr(self.manager, "reset", None)
        if reset is not None:
            reset()


class Launcher:
    """Start a service and translate signals into stop/reload.

    The main thread blocks in ``select`` on a pipe, never on a lock:
    Python runs signal handlers only in the main thread, and a main thread
    asleep in ``Event.wait()`` is not woken when the kernel hands the
    signal to one of the other threads (the signal would then wait until
    something else woke the main thread). With the pipe as the signal
    wakeup fd, the C-level handler writes the signal number into it from
    whichever thread took the signal, so the main thread always wakes.
    """

    SIGNAL_ACTIONS = {signal.SIGTERM: "stop", signal.SIGINT: "stop",
                      signal.SIGHUP: "reload"}

    def __init__(self, service: MonitorService,
                 conf: cfg.ConfigOpts) -> None:
        self.service = service
        self.conf = conf
        self._requests: collections.deque = collections.deque()
        self._read_fd, self._write_fd = os.pipe()
        for fd in (self._read_fd, self._write_fd):
            os.set_blocking(fd, False)
        self._previous_wakeup_fd: int | None = None

    def request(self, action: str) -> None:
        """Ask the launcher to ``stop`` or ``reload`` (any thread)."""
        self._requests.append(action)
        try:
            os.write(self._write_fd, b"\0")
        except BlockingIOError:
            pass  # the pipe is full of wake-ups already
        except OSError:
            pass  # closed: the launcher has returned

    def install_signal_handlers(self) -> None:
        # The handlers only need to exist (the default action would kill
        # the process); the wakeup fd carries which signal arrived.
        self._previous_wakeup_fd = signal.set_wakeup_fd(
            self._write_fd, warn_on_full_buffer=False)
        for signum in self.SIGNAL_ACTIONS:
            signal.signal(signum, lambda *_: None)

    def _next_actions(self) -> list:
        """Block until woken; the actions requested since the last call."""
        poller = select.poll()
        poller.register(self._read_fd, select.POLLIN)
        poller.poll()
        actions = []
        try:
            data = os.read(self._read_fd, 4096)
        except BlockingIOError:
            data = b""
        for signum in data:
            if signum in self.SIGNAL_ACTIONS:
                actions.append(self.SIGNAL_ACTIONS[signum])
        while self._requests:
            actions.append(self._requests.popleft())
        return actions

    def run(self) -> int:
        """Run until stopped; return the process exit status."""
        try:
            return self._run()
        finally:
            self.close()

    def close(self) -> None:
        """Release the pipe (and the wakeup fd, if it was ours)."""
        if self._read_fd < 0:
            return
        if self._previous_wakeup_fd is not None:
            signal.set_wakeup_fd(self._previous_wakeup_fd)
            self._previous_wakeup_fd = None
        os.close(self._read_fd)
        os.close(self._write_fd)
        self._read_fd = self._write_fd = -1

    def _run(self) -> int:
        try:
            self.service.start()
        except Exception as exc:
            LOG.error("%s failed to start: %s", self.service.binary, exc)
            # Also on stderr: the log goes to stdout or a file.
            sys.stderr.write(
                f"{self.service.binary} failed to start: {exc}\n")
            return 1
        self._start_watcher()
        while True:
            for action in self._next_actions():
                if action == "stop":
                    return self._stop(0)
                if action == "finished":
                    if self.service.finished.is_set():
                        LOG.error("%s: monitoring ended unexpectedly",
                                  self.service.binary)
                        return self._stop(1)
                if action == "reload":
                    status = self._reload()
                    if status is not None:
                        return status
                    self._start_watcher()

    def _start_watcher(self) -> None:
        threading.Thread(target=self._watch_main, daemon=True,
                         name="main-watcher").start()

    def _watch_main(self) -> None:
        self.service.finished.wait()
        if not self.service.stopping:
            self.request("finished")

    def _stop(self, status: int) -> int:
        LOG.info("Stopping %s", self.service.binary)
        self.service.stop()
        if not self.service.wait(STOP_TIMEOUT):
            LOG.warning("%s did not stop within %s s", self.service.binary,
                        STOP_TIMEOUT)
        return status

    def _reload(self) -> int | None:
        LOG.info("SIGHUP: reloading configuration of %s",
                 self.service.binary)
        self.service.stop()
        self.service.wait(STOP_TIMEOUT)
        try:
            self.conf.reload_config_files()
        except Exception as exc:
            LOG.error("Configuration reload failed, keeping the old "
                      "values: %s", exc)
        try:
            config.validate(self.conf)
        except config.ConfigValueError as exc:
            LOG.error("%s: %s", self.service.binary, exc)
            return 1
        self.service.reset()
        try:
            self.service.start()
        except Exception as exc:
            LOG.error("%s failed to restart: %s", self.service.binary, exc)
            return 1
        return None


def build(manager_option_name: str,
          context: context_mod.MonitorContext) -> MonitorService:
    """Instantiate the configured manager and wrap it in a service."""
    conf = context.conf
    class_path = conf[manager_option_name]
    try:
        manager_class = importutils.import_class(class_path)
        manager = manager_class.from_context(context)
    except Exception as exc:
        raise StartupError(
            f"Cannot load manager {class_path!r} ([DEFAULT] "
            f"{manager_option_name}): {exc}") from exc
    return MonitorService(manager, context.binary, conf)


def parse(conf: cfg.ConfigOpts, argv: list, binary: str) -> int | None:
    """Parse the command line and files; an exit status when that failed."""
    try:
        config.parse_args(argv, conf)
    except Exception as exc:
        sys.stderr.write(f"{binary}: {exc}\n")
        return 2
    return None


def run(manager_option_name: str,
        context: context_mod.MonitorContext) -> int:
    """Run the daemon described by ``context`` until it is stopped.

    ``context.conf`` is parsed already (see :func:`parse`). Returns the
    exit status (0 after a requested stop, 1 on failure).
    """
    conf = context.conf
    binary = context.binary
    try:
        if conf.monkey_patch:
            monkey_patch.apply(conf.monkey_patch_modules)
        service = build(manager_option_name, context)
    except (StartupError, monkey_patch.MonkeyPatchError) as exc:
        LOG.error("%s", exc)
        sys.stderr.write(f"{binary}: {exc}\n")
        return 1
    replayer = context.replayer()
    if replayer is not None:
        replayer.start()
    launcher = Launcher(service, conf)
    launcher.install_signal_handlers()
    LOG.info("Starting %s on host %s", binary, conf.hostname)
    try:
        return launcher.run()
    finally:
        if replayer is not None:
            replayer.stop()
