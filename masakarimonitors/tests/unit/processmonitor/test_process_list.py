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

import pytest

from masakarimonitors.processmonitor import process_list as pl

FULL = {
    "process_name": "/usr/sbin/libvirtd",
    "start_command": "systemctl start libvirtd",
    "pre_start_command": "",
    "post_start_command": None,
    "restart_command": "systemctl restart libvirtd",
    "pre_restart_command": "true",
    "post_restart_command": "",
    "run_as_root": True,
}


def test_full_entry():
    [entry] = pl.parse([FULL])
    assert entry.process_name == "/usr/sbin/libvirtd"
    assert entry.pre_start_command is None
    assert entry.post_start_command is None
    assert entry.pre_restart_command == "true"
    assert entry.run_as_root is True
    assert entry.short_name == "libvirtd"


def test_optional_keys_may_be_missing():
    [entry] = pl.parse([{"process_name": "x", "start_command": "a",
                         "restart_command": "b"}])
    assert entry.run_as_root is False
    assert entry.post_restart_command is None


@pytest.mark.parametrize("document, message", [
    (None, "non-empty YAML list"),
    ({"process_name": "x"}, "non-empty YAML list"),
    ([], "non-empty YAML list"),
    (["text"], "entry 1: expected a mapping"),
    ([{**FULL, "restart_command": None}], "restart_command"),
    ([{k: v for k, v in FULL.items() if k != "process_name"}],
     "process_name"),
    ([{**FULL, "restart_comand": "x"}], "unknown key"),
    ([{**FULL, "start_command": ["a"]}], "start_command must be a string"),
    ([{**FULL, "run_as_root": "yes"}], "run_as_root must be a boolean"),
    ([FULL, {**FULL, "start_command": 3}], "entry 2"),
])
def test_invalid(document, message):
    with pytest.raises(pl.ProcessListError, match=message):
        pl.parse(document)


def test_load_errors(tmp_path):
    with pytest.raises(pl.ProcessListError, match="cannot read"):
        pl.load(str(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("- [unclosed\n")
    with pytest.raises(pl.ProcessListError, match="not valid YAML"):
        pl.load(str(bad))


def test_shipped_sample_is_valid():
    import os
    sample = os.path.join(os.path.dirname(pl.__file__), "..", "..", "etc",
                          "masakarimonitors", "process_list.yaml.sample")
    entries = pl.load(sample)
    assert [e.short_name for e in entries] == [
        "libvirtd", "nova-compute", "masakari-instancemonitor",
        "masakari-hostmonitor", "sshd"]


@pytest.mark.parametrize("name, short", [
    ("/usr/local/bin/nova-compute", "nova-compute"),
    ("/usr/bin/python3 /x/masakari-instancemonitor --config-file "
     "/etc/m/m.conf", "masakari-instancemonitor"),
    ("/usr/bin/python3.11 -u /x/nova-compute", "nova-compute"),
    ("sshd", "sshd"),
    ("/usr/sbin/sshd -D", "sshd"),
    ("bash /opt/run.sh", "run.sh"),
])
def test_program_name(name, short):
    assert pl.program_name(name) == short
