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

"""Fencing a machine managed by MAAS, through its 2.0 REST API.

``op=power_off`` with ``stop_mode=hard``, then ``op=query_power_state`` is
polled until MAAS reports the state ``off`` (``unknown`` and ``error`` are
never off). Requests are signed with the MAAS API key
(consumer_key:token_key:token_secret) as OAuth 1.0 PLAINTEXT.
"""

from __future__ import annotations

import json
import secrets
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from masakari.engine.fencing import base
from masakari.engine.fencing import common


def oauth_header(api_key: str, timestamp: float, nonce: str) -> str:
    """The OAuth 1.0 PLAINTEXT Authorization header for a MAAS API key."""
    parts = api_key.strip().split(":")
    if len(parts) != 3 or not all(parts):
        raise common.SecretError(
            "the MAAS API key must be consumer_key:token_key:token_secret"
        )
    consumer_key, token_key, token_secret = parts
    params = {
        "oauth_version": "1.0",
        "oauth_signature_method": "PLAINTEXT",
        "oauth_consumer_key": consumer_key,
        "oauth_token": token_key,
        "oauth_signature": f"&{token_secret}",
        "oauth_nonce": nonce,
        "oauth_timestamp": str(int(timestamp)),
    }
    return "OAuth " + ", ".join(
        f'{key}="{urllib.parse.quote(value, safe="~")}"'
        for key, value in params.items()
    )


class MaasError(Exception):
    """MAAS answered with an error, or not with what was expected."""


class MaasDriver(common.DriverBase):
    """Powers a MAAS machine off and confirms MAAS reports it off."""

    name = "maas"

    def __init__(
        self,
        url: str,
        secret: common.Secret,
        system_id: str | None = None,
        machine: str = "{host}",
        verify: bool | str = True,
        poll_interval: float = 0.5,
        ctx: common.Context | None = None,
    ) -> None:
        super().__init__(ctx)
        self.url = url.rstrip("/")
        self.secret = secret
        self.system_id = system_id
        self.machine = machine
        self.verify = verify
        self.poll_interval = poll_interval

    @classmethod
    def read_options(cls, spec: common.DeviceSpec) -> dict[str, Any]:
        url = spec.string("url")
        if not url.startswith(("http://", "https://")):
            raise spec.error("url", "must start with http:// or https://")
        return {
            "url": url,
            "secret": spec.secret("api_key", required=True),
            "system_id": spec.string("system_id", None),
            "machine": spec.string("machine", "{host}"),
            "verify": spec.verify(),
            "poll_interval": spec.number("poll_interval", 0.5),
        }

    def _request(
        self,
        api_key: str,
        deadline: base.Deadline,
        path: str,
        form: dict[str, str] | None = None,
    ) -> Any:
        deadline.check()
        data = urllib.parse.urlencode(form).encode() if form else None
        request = urllib.request.Request(
            f"{self.url}/api/2.0/{path}",
            data=data,
            method="POST" if form is not None else "GET",
            headers={
                "Accept": "application/json",
                "Authorization": oauth_header(
                    api_key, self.ctx.wall(), secrets.token_hex(16)
                ),
            },
        )
        context = None
        if request.full_url.startswith("https://"):
            if isinstance(self.verify, str):
                context = ssl.create_default_context(cafile=self.verify)
            elif self.verify is False:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
        try:
            with urllib.request.urlopen(
                request, timeout=max(0.05, deadline.remaining()),
                context=context,
            ) as response:
                body = response.read(1 << 20)
        except urllib.error.HTTPError as exc:
            text = common.tail(exc.read(2000), 200)
            raise MaasError(f"HTTP {exc.code} from {path}: {text}") from None
        try:
            return json.loads(body or b"null")
        except ValueError:
            raise MaasError(f"{path} did not answer JSON") from None

    def _system_id(
        self, api_key: str, deadline: base.Deadline, host: str
    ) -> str:
        if self.system_id:
            return self.system_id
        machine = self.machine.replace("{host}", host)
        query = urllib.parse.urlencode({"hostname": machine})
        machines = self._request(api_key, deadline, f"machines/?{query}")
        if not isinstance(machines, list):
            raise MaasError("machines lookup did not answer a list")
        found = [m.get("system_id") for m in machines
                 if isinstance(m, dict) and m.get("system_id")]
        if len(found) != 1:
            raise MaasError(
                f"{len(found)} MAAS machines have the hostname "
                f"'{machine}' (give system_id)"
            )
        return str(found[0])

    def _state(self, api_key: str, deadline: base.Deadline, path: str) -> str:
        answer = self._request(api_key, deadline,
                               f"{path}?op=query_power_state")
        state = answer.get("state") if isinstance(answer, dict) else None
        return str(state) if state is not None else "missing"

    def fence(self, host: str, deadline: base.Deadline) -> base.FenceRecord:
        started = self.ctx.wall()
        state = "not queried"
        steps: list[str] = []
        try:
            api_key = self.read_secret(self.secret)
            system_id = self._system_id(api_key, deadline, host)
            path = f"machines/{urllib.parse.quote(system_id, safe='')}/"
            steps.append(f"machine {system_id}")
            try:
                self._request(api_key, deadline, f"{path}?op=power_off",
                              {"stop_mode": "hard"})
                off_error = None
            except MaasError as exc:
                off_error = exc
                steps.append(f"power_off failed: {exc}")
            while True:
                state = self._state(api_key, deadline, path)
                if state == "off":
                    after = ("power_off (stop_mode=hard)" if off_error is None
                             else "a failed power_off")
                    return self.record(
                        host, base.OFF,
                        f"MAAS power state off after {after} "
                        f"(machine {system_id})",
                        started,
                    )
                if off_error is not None:
                    steps.append(f"power state {state}")
                    return self.record(host, base.ERROR, "; ".join(steps),
                                       started)
                if not self.pause(deadline, self.poll_interval):
                    break
        except (common.SecretError, MaasError) as exc:
            steps.append(str(exc))
            return self.record(host, base.ERROR, "; ".join(steps), started)
        except (base.FenceTimeout, TimeoutError):
            steps.append("MAAS did not answer in time")
        except (OSError, urllib.error.URLError) as exc:
            result = base.TIMEOUT if deadline.expired() else base.ERROR
            reason = getattr(exc, "reason", None) or exc
            steps.append(f"cannot reach MAAS at {self.url}: {reason}")
            return self.record(host, result, "; ".join(steps), started)
        steps.append(f"power state still '{state}' at the deadline")
        return self.record(host, base.TIMEOUT, "; ".join(steps), started)
