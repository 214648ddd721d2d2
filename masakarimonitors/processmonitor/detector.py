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

"""Is a configured process running? One /proc scan per cycle.

A process matches when the whitespace-separated words of the configured
``process_name`` appear consecutively in its command line, starting at
its first word, or at its second word when the first is an interpreter
(``python3 /usr/bin/nova-compute``) or a process title prefix such as
``sshd:``. Words compare equal, or by file name when one side has no
directory. Upstream searched the whole ``ps -ef`` text, so the name
appearing anywhere (an editor, ``tail``, another process's arguments)
counted as running.
"""

import os

from masakarimonitors.processmonitor import process_list


def scan(proc_root: str = "/proc") -> list:
    """Word lists of every live (non-zombie) process except ourselves."""
    me = os.getpid()
    result = []
    try:
        names = os.listdir(proc_root)
    except OSError:
        return result
    for name in names:
        if not name.isdigit() or int(name) == me:
            continue
        base = os.path.join(proc_root, name)
        try:
            with open(os.path.join(base, "cmdline"), "rb") as handle:
                raw = handle.read()
            with open(os.path.join(base, "stat"), "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        if not raw or _state(stat) in ("Z", "X"):
            continue
        words = raw.replace(b"\0", b" ").decode("utf-8", "replace").split()
        if words:
            result.append(words)
    return result


def _state(stat: bytes) -> str:
    # "pid (comm) S ..." - comm may contain spaces and parentheses.
    closing = stat.rfind(b")")
    return stat[closing + 2:closing + 3].decode("ascii", "replace")


def _same(configured: str, actual: str) -> bool:
    if configured == actual:
        return True
    if "/" not in configured or "/" not in actual:
        return os.path.basename(configured) == os.path.basename(actual)
    return False


def matches(process_name: str, words: list) -> bool:
    wanted = process_name.split()
    if not wanted:
        return False
    starts = [0]
    if words[0].endswith(":"):
        starts.append(1)
    elif process_list.is_interpreter(words[0]):
        starts += [i for i, word in enumerate(words[1:], start=1)
                   if not word.startswith("-")][:1]
    for start in starts:
        window = words[start:start + len(wanted)]
        if len(window) == len(wanted) and all(
                _same(w, a) for w, a in zip(wanted, window)):
            return True
    return False


def is_running(process_name: str, processes: list) -> bool:
    return any(matches(process_name, words) for words in processes)
