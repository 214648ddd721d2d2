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

import os

import pytest

from masakarimonitors.processmonitor import detector


@pytest.mark.parametrize("name, cmdline, expected", [
    ("/usr/sbin/libvirtd", "/usr/sbin/libvirtd --listen", True),
    ("/usr/sbin/libvirtd", "vim /usr/sbin/libvirtd", False),
    ("/usr/sbin/libvirtd", "tail -f /usr/sbin/libvirtd.log", False),
    ("/usr/sbin/libvirtd", "/usr/sbin/libvirtd-helper", False),
    ("libvirtd", "/usr/sbin/libvirtd", True),
    ("/usr/local/bin/nova-compute",
     "/usr/bin/python3 /usr/local/bin/nova-compute --config-file x", True),
    ("/usr/local/bin/nova-compute",
     "/usr/bin/python3 -u /usr/local/bin/nova-compute", True),
    ("/usr/bin/python3 /usr/local/bin/masakari-instancemonitor",
     "/usr/bin/python3 /usr/local/bin/masakari-instancemonitor", True),
    ("/usr/bin/python3 /usr/local/bin/masakari-instancemonitor",
     "/usr/bin/python3 /usr/local/bin/masakari-hostmonitor", False),
    ("/usr/sbin/sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10", True),
    ("", "/bin/true", False),
])
def test_matches(name, cmdline, expected):
    assert detector.matches(name, cmdline.split()) is expected


def _fake_proc(root, pid, cmdline: bytes, state="S"):
    path = root / str(pid)
    path.mkdir()
    (path / "cmdline").write_bytes(cmdline)
    (path / "stat").write_bytes(
        f"{pid} (weird) name) {state} 1 2 3".encode())


def test_scan_reads_proc(tmp_path):
    _fake_proc(tmp_path, 10, b"/usr/sbin/libvirtd\0--listen\0")
    _fake_proc(tmp_path, 11, b"zombie\0", state="Z")
    _fake_proc(tmp_path, 12, b"")                      # kernel thread
    _fake_proc(tmp_path, os.getpid(), b"myself\0")
    (tmp_path / "self").mkdir()
    (tmp_path / "13").mkdir()                          # vanished
    assert detector.scan(str(tmp_path)) == [["/usr/sbin/libvirtd",
                                             "--listen"]]
    assert detector.scan(str(tmp_path / "nope")) == []


def test_scan_real_proc_sees_parent():
    parent = open(f"/proc/{os.getppid()}/cmdline", "rb").read()
    words = parent.replace(b"\0", b" ").decode().split()
    assert words in detector.scan()
    assert detector.is_running(" ".join(words), detector.scan())
