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

"""Run a monitor console script as a real child process in tests."""

import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def terminate(proc: subprocess.Popen, timeout: float = 30.0) -> int | None:
    """SIGTERM, wait up to ``timeout``, then SIGKILL; the exit status."""
    if proc.poll() is not None:
        return proc.returncode
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(10)


class Daemon:
    """One monitor process; output goes to ``log_path``."""

    def __init__(self, name: str, config_file: str, log_path: str) -> None:
        self.name = name
        self.config_file = config_file
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Daemon":
        log = open(self.log_path, "ab")
        env = dict(os.environ, PYTHONPATH=ROOT)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", f"masakarimonitors.cmd.{self.name}",
             "--config-file", self.config_file],
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env,
            start_new_session=True)
        log.close()
        return self

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.proc is None:
            return None
        return terminate(self.proc, timeout)

    def log(self) -> str:
        try:
            with open(self.log_path, errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    def wait_for_log(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not logged by {self.name}:\n"
                             f"{self.log()[-4000:]}")


def write_conf(path, sections: dict) -> str:
    lines = []
    for group, values in sections.items():
        lines.append(f"[{group}]")
        lines += [f"{key} = {value}" for key, value in values.items()]
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return str(path)
