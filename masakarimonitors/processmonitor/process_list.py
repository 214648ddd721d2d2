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

"""Loading and validating ``process_list.yaml``, the processes to watch."""

import dataclasses
import os

import yaml

REQUIRED = ("process_name", "start_command", "restart_command")
OPTIONAL_COMMANDS = ("pre_start_command", "post_start_command",
                     "pre_restart_command", "post_restart_command")
KNOWN = frozenset(REQUIRED + OPTIONAL_COMMANDS + ("run_as_root",))

# Interpreters whose first argument is the real program (payload name,
# process matching).
INTERPRETERS = ("python", "perl", "ruby", "sh", "bash", "node", "php",
                "java")


class ProcessListError(ValueError):
    """The process list is missing, unreadable or malformed."""


@dataclasses.dataclass(frozen=True)
class ProcessEntry:
    process_name: str
    start_command: str
    restart_command: str
    pre_start_command: str | None = None
    post_start_command: str | None = None
    pre_restart_command: str | None = None
    post_restart_command: str | None = None
    run_as_root: bool = False

    @property
    def short_name(self) -> str:
        """Name sent in the payload: the monitored program's file name.

        ``/usr/bin/python3 /usr/bin/nova-compute --config-file x.conf``
        gives ``nova-compute`` (upstream sent ``x.conf``).
        """
        return program_name(self.process_name)


def is_interpreter(token: str) -> bool:
    base = os.path.basename(token)
    return any(base == name or (base.startswith(name)
                                and base[len(name):].replace(".", "")
                                .isdigit())
               for name in INTERPRETERS)


def program_name(command_line: str) -> str:
    tokens = command_line.split()
    if not tokens:
        return command_line
    program = tokens[0]
    if is_interpreter(program):
        for token in tokens[1:]:
            if not token.startswith("-"):
                program = token
                break
    return os.path.basename(program.rstrip("/")) or program


def parse(document, source: str = "process list") -> list:
    """Validate a loaded YAML document; return ProcessEntry objects."""
    if not isinstance(document, list) or not document:
        raise ProcessListError(
            f"{source}: expected a non-empty YAML list of process entries")
    entries = []
    for index, item in enumerate(document, start=1):
        where = f"{source}: entry {index}"
        if not isinstance(item, dict):
            raise ProcessListError(f"{where}: expected a mapping")
        missing = [key for key in REQUIRED if not item.get(key)]
        if missing:
            raise ProcessListError(
                f"{where}: missing or empty key(s) {', '.join(missing)}")
        unknown = sorted(set(item) - KNOWN)
        if unknown:
            raise ProcessListError(
                f"{where}: unknown key(s) {', '.join(unknown)}")
        values = {}
        for key in REQUIRED + OPTIONAL_COMMANDS:
            value = item.get(key)
            if value in (None, ""):
                continue
            if not isinstance(value, str):
                raise ProcessListError(f"{where}: {key} must be a string")
            values[key] = value
        run_as_root = item.get("run_as_root", False)
        if not isinstance(run_as_root, bool):
            raise ProcessListError(f"{where}: run_as_root must be a boolean")
        entries.append(ProcessEntry(run_as_root=run_as_root, **values))
    return entries


def load(path: str) -> list:
    """Read and validate ``path``; raise ProcessListError on any problem."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
    except OSError as exc:
        raise ProcessListError(f"cannot read {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ProcessListError(f"{path} is not valid YAML: {exc}") from exc
    return parse(document, path)
