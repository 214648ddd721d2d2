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

"""Fencing through a BMC's Redfish service, with the sushy library.

The system's PowerState is read first: a system already Off counts as
fenced. Otherwise a ComputerSystem.Reset with ForceOff is sent and the
PowerState polled until it is Off. Any other state, or none, is not off.
"""

from __future__ import annotations

from typing import Any

from masakari.engine.fencing import base
from masakari.engine.fencing import common

AUTH_MODES = ("basic", "session", "auto")


def _sushy() -> Any:
    import sushy  # imported on use: the engine starts without it

    return sushy


class RedfishDriver(common.DriverBase):
    """Powers a system off with a Redfish ForceOff reset and confirms it."""

    name = "redfish"

    def __init__(
        self,
        address: str,
        system_id: str | None = None,
        username: str | None = None,
        secret: common.Secret | None = None,
        verify: bool | str = True,
        auth: str = "basic",
        poll_interval: float = 0.5,
        ctx: common.Context | None = None,
    ) -> None:
        super().__init__(ctx)
        self.address = address.rstrip("/")
        self.system_id = system_id
        self.username = username
        self.secret = secret
        self.verify = verify
        self.auth = auth
        self.poll_interval = poll_interval

    @classmethod
    def read_options(cls, spec: common.DeviceSpec) -> dict[str, Any]:
        address = spec.string("address")
        if not address.startswith(("http://", "https://")):
            raise spec.error("address", "must start with http:// or https://")
        options = {
            "address": address,
            "system_id": spec.string("system_id", None),
            "username": spec.string("username", None),
            "secret": spec.secret("password", required=False),
            "verify": spec.verify(),
            "auth": spec.choice("auth", "basic", AUTH_MODES),
            "poll_interval": spec.number("poll_interval", 0.5),
        }
        if options["secret"] is not None and not options["username"]:
            raise spec.error("username", "is required with a password")
        return options

    def _auth(self, password: str | None) -> Any:
        from sushy import auth as sushy_auth

        kinds = {
            "basic": sushy_auth.BasicAuth,
            "session": sushy_auth.SessionAuth,
            "auto": sushy_auth.SessionOrBasicAuth,
        }
        return kinds[self.auth](username=self.username, password=password)

    def _connect(self, auth: Any, deadline: base.Deadline) -> Any:
        timeout = max(1.0, deadline.remaining())
        return _sushy().Sushy(
            self.address,
            auth=auth,
            verify=self.verify,
            # One attempt per request (sushy treats 0 as its default of
            # three): the driver polls within its deadline instead.
            server_side_retries=1,
            server_side_retries_delay=0.1,
            read_timeout=timeout,
            connect_timeout=min(timeout, 10.0),
        )

    def fence(self, host: str, deadline: base.Deadline) -> base.FenceRecord:
        started = self.ctx.wall()
        try:
            password = self.read_secret(self.secret) if self.secret else None
        except common.SecretError as exc:
            return self.record(host, base.ERROR, str(exc), started)
        where = f"{self.address}{self.system_id or ''}"
        auth = self._auth(password)
        state: Any = "not read"
        try:
            root = self._connect(auth, deadline)
            system = root.get_system(self.system_id)
            state = system.power_state
            if _is_off(state):
                return self.record(
                    host, base.OFF,
                    f"PowerState Off at {where} (already off, no reset sent)",
                    started,
                )
            system.reset_system(_sushy().ResetType.FORCE_OFF)
            polls = 0
            while self.pause(deadline, self.poll_interval):
                system.refresh(force=True)
                state = system.power_state
                polls += 1
                if _is_off(state):
                    return self.record(
                        host, base.OFF,
                        f"PowerState Off at {where} after ForceOff "
                        f"({polls} polls)",
                        started,
                    )
            return self.record(
                host, base.TIMEOUT,
                f"PowerState still {_name(state)} at {where} at the deadline "
                "after ForceOff",
                started,
            )
        except Exception as exc:  # sushy and requests raise many kinds
            result = base.TIMEOUT if deadline.expired() else base.ERROR
            return self.record(
                host, result,
                f"Redfish error at {where} (PowerState {_name(state)}): "
                f"{type(exc).__name__}: {str(exc)[:300]}",
                started,
            )
        finally:
            try:
                auth.close()  # ends a Redfish session, if one was opened
            except Exception:  # best effort: the outcome is already known
                pass


def _is_off(state: Any) -> bool:
    """Only an explicit Off counts; None or any other state does not."""
    return state is not None and _name(state) == "Off"


def _name(state: Any) -> str:
    if state is None:
        return "unknown"
    return str(getattr(state, "value", state))
