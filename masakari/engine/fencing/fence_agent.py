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

"""Fencing with a ClusterLabs fence agent (fence_ipmilan, fence_redfish,
fence_sbd, ...).

The agent runs without arguments and reads its options as ``key=value``
lines on standard input, the password among them. It is run with
``action=off``, then with ``action=status``, whose exit code tells the
power state: 0 on, 2 off, anything else an error.
"""

from __future__ import annotations

import os
import shutil
from typing import Any, Mapping

from masakari.engine.fencing import base
from masakari.engine.fencing import common

STATUS_ON = 0
STATUS_OFF = 2
# Options that the driver sets itself or that would carry a secret.
RESERVED_OPTIONS = ("action", "password", "passwd", "password_script")


class FenceAgentDriver(common.DriverBase):
    """Runs a fence agent with the stdin option contract."""

    def __init__(
        self,
        agent: str,
        options: dict[str, str],
        secret: common.Secret | None,
        ctx: common.Context | None = None,
    ) -> None:
        super().__init__(ctx)
        self.agent = agent
        self.options = options
        self.secret = secret
        self.name = f"fence_agent:{os.path.basename(agent)}"

    @classmethod
    def read_options(cls, spec: common.DeviceSpec) -> dict[str, Any]:
        agent = spec.string("agent")
        if "/" in agent and not os.path.isabs(agent):
            raise spec.error(
                "agent", "must be a name on PATH or an absolute path"
            )
        raw = spec.get("options", {})
        if not isinstance(raw, Mapping):
            raise spec.error("options", "must be a mapping")
        options = {}
        for key, value in raw.items():
            if not isinstance(key, str) or not key or "=" in key:
                raise spec.error("options", f"has an invalid name {key!r}")
            if key in RESERVED_OPTIONS:
                hint = (
                    "is set by masakari"
                    if key == "action"
                    else "is a secret: use password_file or password_env"
                )
                raise spec.error(f"options.{key}", hint)
            if isinstance(value, bool) or not isinstance(
                value, (str, int, float)
            ):
                raise spec.error(
                    f"options.{key}",
                    'must be a string or a number (write "1" for a flag)',
                )
            text = str(value)
            if "\n" in text or "\r" in text or "\0" in text:
                raise spec.error(f"options.{key}", "must be a single line")
            options[key] = text
        return {"agent": agent, "options": options,
                "secret": spec.secret("password", required=False)}

    def _stdin(self, action: str, password: str | None) -> str:
        lines = [f"{key}={value}" for key, value in self.options.items()]
        lines.append(f"action={action}")
        if password is not None:
            lines.append(f"password={password}")
        return "\n".join(lines) + "\n"

    def fence(self, host: str, deadline: base.Deadline) -> base.FenceRecord:
        started = self.ctx.wall()
        program = shutil.which(self.agent)
        if program is None:
            return self.record(
                host, base.ERROR,
                f"fence agent {self.agent} not found or not executable",
                started,
            )
        try:
            password = (
                self.read_secret(self.secret) if self.secret else None
            )
        except common.SecretError as exc:
            return self.record(host, base.ERROR, str(exc), started)
        steps = []
        try:
            off_rc, _, off_err = common.run(
                [program], deadline, self._stdin("off", password)
            )
            steps.append(f"off exit code {off_rc}")
            if off_rc != 0 and off_err.strip():
                steps.append(f"off stderr: {common.tail(off_err)}")
            status_rc, _, status_err = common.run(
                [program], deadline, self._stdin("status", password)
            )
        except base.FenceTimeout as exc:
            steps.append(str(exc))
            return self.record(
                host, base.TIMEOUT, "; ".join(steps), started
            )
        except OSError as exc:
            steps.append(f"cannot run {self.agent}: {exc.strerror}")
            return self.record(host, base.ERROR, "; ".join(steps), started)
        if status_rc == STATUS_OFF:
            evidence = f"status exit code 2 (off) after {steps[0]}"
            return self.record(host, base.OFF, evidence, started)
        if status_rc == STATUS_ON:
            evidence = f"status exit code 0 (on) after {'; '.join(steps)}"
            return self.record(host, base.FAILED, evidence, started)
        steps.append(f"status exit code {status_rc} (error)")
        if status_err.strip():
            steps.append(f"status stderr: {common.tail(status_err)}")
        return self.record(host, base.ERROR, "; ".join(steps), started)
