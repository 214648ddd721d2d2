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

"""Helpers the fence drivers share: run-time context, secrets, device
validation, and a subprocess runner that keeps a deadline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from typing import Any, Callable, Mapping

from masakari.engine.fencing import base

DEFAULT_TIMEOUT = 60.0
COMMON_KEYS = frozenset({"driver", "timeout"})
_MISSING = object()


class SecretError(Exception):
    """A secret could not be read; the message never contains it."""


class Context:
    """Time sources and shared services (listeners) of one Fencer."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clock = clock
        self.wall = wall
        self.sleep = sleep
        self._shared: dict[Any, Any] = {}
        self._lock = threading.Lock()

    def shared(self, key: Any, factory: Callable[[], Any]) -> Any:
        """The object kept under ``key``, made by ``factory`` on first use."""
        with self._lock:
            if key not in self._shared:
                self._shared[key] = factory()
            return self._shared[key]

    def close(self) -> None:
        """Close every shared object that has a close() method."""
        with self._lock:
            shared, self._shared = list(self._shared.values()), {}
        for item in shared:
            close = getattr(item, "close", None)
            if close is not None:
                close()


class Secret:
    """A password or key read from a file or the environment at use time."""

    def __init__(self, file: str | None = None, env: str | None = None):
        self.file = file
        self.env = env

    def source(self) -> str:
        """Where the secret comes from, for messages (never the value)."""
        if self.file:
            return f"file {self.file}"
        return f"environment variable {self.env}"

    def read(self) -> str:
        """The secret's current value; raises SecretError if unavailable."""
        if self.file:
            try:
                with open(self.file, encoding="utf-8") as handle:
                    value = handle.read()
            except OSError as exc:
                raise SecretError(
                    f"cannot read secret file {self.file}: {exc.strerror}"
                ) from None
            value = value.rstrip("\r\n")
        else:
            value = os.environ.get(self.env or "")
            if value is None:
                raise SecretError(
                    f"environment variable {self.env} is not set"
                )
        if not value:
            raise SecretError(f"the secret in {self.source()} is empty")
        return value


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every secret replaced by asterisks."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def tail(text: str | bytes, limit: int = 300) -> str:
    """The last ``limit`` characters of a program's output, on one line."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " | ".join(line.strip() for line in text.splitlines() if line)
    return text if len(text) <= limit else "..." + text[-limit:]


class DeviceSpec:
    """Typed, validated access to one device dict of the configuration."""

    def __init__(self, device: Mapping[str, Any], where: str) -> None:
        if not isinstance(device, Mapping):
            raise base.FencingConfigError(f"{where}: must be a mapping")
        self._device = device
        self.where = where
        self._known = set(COMMON_KEYS)

    def error(self, key: str, problem: str) -> base.FencingConfigError:
        return base.FencingConfigError(f"{self.where}: key '{key}' {problem}")

    def get(self, key: str, default: Any = _MISSING) -> Any:
        """The raw value of ``key`` (``default`` if absent or null)."""
        self._known.add(key)
        if key in self._device and self._device[key] is not None:
            return self._device[key]
        if default is _MISSING:
            raise self.error(key, "is required")
        return default

    def string(self, key: str, default: Any = _MISSING) -> Any:
        value = self.get(key, default)
        if value is not default and (not isinstance(value, str) or not value):
            raise self.error(key, "must be a non-empty string")
        return value

    def number(
        self, key: str, default: Any = _MISSING, minimum: float = 0.0
    ) -> Any:
        value = self.get(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, "must be a number")
        if value <= minimum:
            raise self.error(key, f"must be greater than {minimum:g}")
        return float(value)

    def integer(self, key: str, default: Any, low: int, high: int) -> Any:
        value = self.get(key, default)
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, "must be an integer")
        if not low <= value <= high:
            raise self.error(key, f"must be between {low} and {high}")
        return value

    def verify(self, key: str = "verify") -> bool | str:
        """TLS verification: true/false or a CA bundle path."""
        value = self.get(key, True)
        if isinstance(value, bool) or (isinstance(value, str) and value):
            return value
        raise self.error(key, "must be true, false or a CA bundle path")

    def strings(self, key: str, default: Any = _MISSING) -> Any:
        value = self.get(key, default)
        if value is default:
            return value
        if isinstance(value, str):
            value = [value]
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(item, str) and item for item in value)
        ):
            raise self.error(key, "must be a list of non-empty strings")
        return list(value)

    def choice(self, key: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.string(key, default)
        if value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}")
        return value

    def secret(self, name: str = "password", required: bool = True) -> Any:
        """The secret given as ``<name>_file`` or ``<name>_env``."""
        self._known.update({f"{name}_file", f"{name}_env"})
        if name in self._device:
            raise self.error(
                name,
                f"is not allowed: give the secret in a file "
                f"({name}_file) or the environment ({name}_env)",
            )
        path = self.string(f"{name}_file", None)
        env = self.string(f"{name}_env", None)
        if path and env:
            raise self.error(
                f"{name}_file", f"and '{name}_env' are mutually exclusive"
            )
        if not path and not env:
            if required:
                raise self.error(
                    f"{name}_file", f"or '{name}_env' is required"
                )
            return None
        return Secret(file=path, env=env)

    def done(self) -> None:
        """Reject keys that no accessor asked for."""
        unknown = sorted(str(key) for key in self._device if key not in
                         self._known)
        if unknown:
            raise base.FencingConfigError(
                f"{self.where}: unknown key(s): {', '.join(unknown)}"
            )


class DriverBase:
    """Record keeping and polling shared by the drivers."""

    name = "driver"
    action = "off"

    def __init__(self, ctx: Context | None) -> None:
        self.ctx = ctx or Context()
        self.secrets_seen: list[str] = []

    @classmethod
    def from_device(cls, device: Mapping[str, Any], where: str = "device",
                    ctx: Context | None = None) -> Any:
        """A driver built from its device dict, which is validated first
        (FencingConfigError names the device and the key)."""
        spec = DeviceSpec(device, where)
        options = cls.read_options(spec)
        spec.done()
        return cls(ctx=ctx, **options)

    @classmethod
    def read_options(cls, spec: DeviceSpec) -> dict[str, Any]:
        """The constructor's keyword arguments, read from ``spec``."""
        raise NotImplementedError

    def read_secret(self, secret: Secret) -> str:
        """Read a secret and remember it so that texts can be scrubbed."""
        value = secret.read()
        self.secrets_seen.append(value)
        return value

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets_seen)

    def record(
        self, host: str, result: str, evidence: str, started: float
    ) -> base.FenceRecord:
        return base.FenceRecord(
            host=host,
            driver=self.name,
            action=self.action,
            result=result,
            evidence=self.scrub(evidence),
            started_at=started,
            finished_at=self.ctx.wall(),
        )

    def pause(self, deadline: base.Deadline, interval: float) -> bool:
        """Sleep up to ``interval`` within the deadline; False if expired."""
        if deadline.expired():
            return False
        self.ctx.sleep(min(interval, deadline.remaining()))
        return not deadline.expired()


def run(
    argv: list[str],
    deadline: base.Deadline,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    step: float = 0.2,
) -> tuple[int, str, str]:
    """Run a program (no shell); kill it and raise FenceTimeout at the
    deadline. Returns (exit code, stdout, stderr)."""
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(env) if env is not None else None,
        start_new_session=True,
    )
    data = stdin.encode("utf-8") if stdin is not None else b""
    try:
        while True:
            try:
                out, err = proc.communicate(
                    data, timeout=max(0.01, min(step, deadline.remaining()))
                )
                break
            except subprocess.TimeoutExpired:
                # Input is sent once; retries only collect the output.
                data = None
                if deadline.expired():
                    raise base.FenceTimeout(
                        f"{os.path.basename(argv[0])} did not finish in time"
                    ) from None
    finally:
        if proc.poll() is None:
            # The whole process group: agents run helpers of their own.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            try:
                proc.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                pass
    return proc.returncode, out.decode("utf-8", "replace"), err.decode(
        "utf-8", "replace"
    )
