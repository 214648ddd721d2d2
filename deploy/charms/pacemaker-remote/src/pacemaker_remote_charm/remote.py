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

"""The pacemaker-remote charm's inputs and outputs as pure functions."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping

AUTHKEY = "/etc/pacemaker/authkey"
DEFAULTS = "/etc/default/pacemaker"
SERVICE = "pacemaker_remote"
KEY_FIELD = "pacemaker-key"
NODE_TYPE = {"node-type": "remote"}


class BadKey(ValueError):
    """The configured or received authkey is not usable."""


def decode_key(encoded: str, source: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadKey(f"{source} is not valid base64") from None
    # pacemaker refuses keys shorter than this.
    if len(key) < 16:
        raise BadKey(f"{source} is shorter than 16 bytes")
    return key


def choose_key(option: str,
               databags: Iterable[Mapping[str, str]]) -> bytes | None:
    """The authkey: the option when set, else the one hacluster gave.

    Raises BadKey when the chosen value does not decode.
    """
    if option.strip():
        return decode_key(option, "the authkey option")
    for data in databags:
        if data.get(KEY_FIELD):
            return decode_key(data[KEY_FIELD], "the hacluster authkey")
    return None


def remote_data(hostname: str, address: str,
                stonith_hostname: str) -> dict[str, str]:
    """Unit databag telling hacluster how to add this node."""
    return {"remote-hostname": hostname, "remote-ip": address,
            "stonith-hostname": stonith_hostname or hostname}


def defaults_file(port: int) -> str:
    return ("# Written by the pacemaker-remote charm.\n"
            f"PCMK_remote_port={port}\n")
