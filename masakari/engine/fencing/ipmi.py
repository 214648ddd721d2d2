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

"""Fencing through a BMC's IPMI interface with ipmitool.

``chassis power off``, then ``chassis power status`` is polled until it
reports the power off. The password reaches ipmitool through the
IPMI_PASSWORD environment variable (``-E``) or a password file (``-f``),
never the command line.
"""

from __future__ import annotations

import os
from typing import Any

from masakari.engine.fencing import base
from masakari.engine.fencing import common

POWER_OFF_TEXT = "chassis power is off"
POWER_ON_TEXT = "chassis power is on"
INTERFACES = ("lanplus", "lan", "open", "serial-basic", "serial-terminal")
PRIVILEGES = ("CALLBACK", "USER", "OPERATOR", "ADMINISTRATOR")


class IpmiDriver(common.DriverBase):
    """Powers a host off with ipmitool and confirms the power state."""

    name = "ipmi"

    def __init__(
        self,
        address: str,
        username: str | None,
        secret: common.Secret | None,
        ctx: common.Context | None = None,
        interface: str = "lanplus",
        port: int = 623,
        privilege: str | None = None,
        cipher_suite: int | None = None,
        ipmitool: str = "ipmitool",
        poll_interval: float = 0.5,
    ) -> None:
        super().__init__(ctx)
        self.address = address
        self.username = username
        self.secret = secret
        self.interface = interface
        self.port = port
        self.privilege = privilege
        self.cipher_suite = cipher_suite
        self.ipmitool = ipmitool
        self.poll_interval = poll_interval

    @classmethod
    def read_options(cls, spec: common.DeviceSpec) -> dict[str, Any]:
        options = {
            "address": spec.string("address"),
            "username": spec.string("username", None),
            "secret": spec.secret("password", required=False),
            "interface": spec.choice("interface", "lanplus", INTERFACES),
            "port": spec.integer("port", 623, 1, 65535),
            "privilege": spec.string("privilege", None),
            "cipher_suite": (
                spec.integer("cipher_suite", None, 0, 255)
                if spec.get("cipher_suite", None) is not None
                else None
            ),
            "ipmitool": spec.string("ipmitool", "ipmitool"),
            "poll_interval": spec.number("poll_interval", 0.5),
        }
        privilege = options["privilege"]
        if privilege is not None and privilege.upper() not in PRIVILEGES:
            raise spec.error(
                "privilege", f"must be one of {', '.join(PRIVILEGES)}"
            )
        return options

    def _command(self, password: str | None) -> tuple[list[str], dict]:
        argv = [self.ipmitool, "-I", self.interface, "-H", self.address,
                "-p", str(self.port)]
        if self.username:
            argv += ["-U", self.username]
        if self.privilege:
            argv += ["-L", self.privilege.upper()]
        if self.cipher_suite is not None:
            argv += ["-C", str(self.cipher_suite)]
        env = dict(os.environ)
        env.pop("IPMI_PASSWORD", None)
        if self.secret is not None and self.secret.file:
            argv += ["-f", self.secret.file]
        elif password is not None:
            argv.append("-E")
            env["IPMI_PASSWORD"] = password
        return argv, env

    def fence(self, host: str, deadline: base.Deadline) -> base.FenceRecord:
        started = self.ctx.wall()
        password = None
        try:
            if self.secret is not None:
                # A password file is handed to ipmitool by name; reading
                # it here checks that it is usable.
                password = self.read_secret(self.secret)
        except common.SecretError as exc:
            return self.record(host, base.ERROR, str(exc), started)
        argv, env = self._command(password)
        last = "no power status read"
        try:
            rc, out, err = common.run(argv + ["chassis", "power", "off"],
                                      deadline, env=env)
            off_failed = rc != 0
            off_note = (
                f"power off exit code {rc}: {common.tail(err or out)}"
                if off_failed else "power off accepted"
            )
            while True:
                rc, out, err = common.run(
                    argv + ["chassis", "power", "status"], deadline, env=env
                )
                text = common.tail(out if rc == 0 else (err or out))
                last = f"power status exit code {rc}: {text}"
                if rc == 0 and POWER_OFF_TEXT in out.lower():
                    return self.record(
                        host, base.OFF,
                        f"'{text}' after {off_note}", started,
                    )
                if off_failed:
                    return self.record(
                        host, base.ERROR, f"{off_note}; {last}", started
                    )
                if not self.pause(deadline, self.poll_interval):
                    break
        except base.FenceTimeout as exc:
            last = f"{last}; {exc}"
        except OSError as exc:
            return self.record(
                host, base.ERROR,
                f"cannot run {self.ipmitool}: {exc.strerror}", started,
            )
        return self.record(
            host, base.TIMEOUT,
            f"power not reported off before the deadline ({last})", started,
        )
