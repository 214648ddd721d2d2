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

"""Helpers shared by the masakari charms: the host seam and INI rendering.

Every change a charm makes to its machine goes through :class:`Host`: files
are written below ``root`` (``/`` on a real unit, a temporary directory in
the unit tests) and commands go through ``runner``, which the tests replace
with a recorder. Each charm ships a verbatim copy of this file as
``lib/charm_common.py`` (a charm is packed on its own); a unit test checks
that the copies match ``deploy/charms/common/charm_common.py``.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import socket
import subprocess
from collections.abc import Callable, Mapping, Sequence

ROOT_ENV = "CHARM_FS_ROOT"
"""Environment variable naming the directory that stands for ``/``."""

Runner = Callable[[Sequence[str]], None]
IniValue = str | int | bool | None
IniSections = Mapping[str, Mapping[str, IniValue]]


def run_checked(cmd: Sequence[str]) -> None:
    """Run a command, raising CalledProcessError when it fails."""
    subprocess.run(list(cmd), check=True)


@dataclasses.dataclass
class Host:
    """The unit's machine: a filesystem root and a command runner."""

    root: pathlib.Path
    runner: Runner = run_checked

    @classmethod
    def from_env(cls) -> "Host":
        return cls(pathlib.Path(os.environ.get(ROOT_ENV, "/")))

    def path(self, target: str) -> pathlib.Path:
        """Where the absolute path ``target`` lives under the root."""
        return self.root / target.lstrip("/")

    def read(self, target: str) -> bytes | None:
        try:
            return self.path(target).read_bytes()
        except FileNotFoundError:
            return None

    def hostname(self) -> str:
        """The machine's host name (``/etc/hostname``, else the kernel's)."""
        name = (self.read("/etc/hostname") or b"").decode().strip()
        return name or socket.gethostname()

    def write(self, target: str, content: str | bytes, mode: int = 0o640,
              group: str | None = None) -> bool:
        """Write ``content`` to ``target``; True when the file changed.

        ``group`` (owner root) is set on a changed file, so a service
        running as that group can read a file closed to others.
        """
        data = content.encode() if isinstance(content, str) else content
        if self.read(target) == data:
            return False
        dest = self.path(target)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".tmp")
        # Created with the final mode so a key is never readable by others,
        # then renamed over the old file in one step.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
        if group:
            self.run("chown", f"root:{group}", str(dest))
        return True

    def remove(self, target: str) -> bool:
        """Delete ``target``; True when it existed."""
        try:
            self.path(target).unlink()
        except FileNotFoundError:
            return False
        return True

    def run(self, *cmd: str) -> None:
        self.runner(cmd)

    def systemctl(self, action: str, *units: str) -> None:
        self.run("systemctl", action, *units)

    def apt_install(self, *packages: str) -> None:
        self.run("apt-get", "install", "-y", "--no-install-recommends",
                 *packages)

    def pip_install(self, venv: str, spec: str) -> None:
        """Create the virtualenv ``venv`` if needed and install ``spec``."""
        if not self.path(venv + "/bin/python").exists():
            self.run("python3", "-m", "venv", venv)
        self.run(venv + "/bin/pip", "install", "--upgrade", *spec.split())


def _ini_value(value: IniValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_ini(sections: IniSections, header: str = "") -> str:
    """INI text of ``sections``; options whose value is None are left out.

    Sections keep their order and a section left empty is not written.
    """
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for name, options in sections.items():
        present = [(k, v) for k, v in options.items() if v is not None]
        if not present:
            continue
        if lines:
            lines.append("")
        lines.append(f"[{name}]")
        lines.extend(f"{k} = {_ini_value(v)}" for k, v in present)
    return "\n".join(lines) + "\n"
