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

import json

from masakarimonitors.instancemonitor import snapshot


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def test_round_trip_and_staleness(tmp_path):
    clock = Clock()
    snap = snapshot.DomainSnapshot(str(tmp_path / "d" / "s.json"), 60, clock)
    assert snap.load() is None
    snap.save({"a": True, "b": False})
    assert snap.load() == {"a": True, "b": False}
    clock.now += 61
    assert snap.load() is None
    clock.now -= 1000          # saved in the future: clock jumped
    assert snap.load() is None


def test_corrupt_file(tmp_path):
    path = tmp_path / "s.json"
    snap = snapshot.DomainSnapshot(str(path), 60, Clock())
    for text in ("{bad", json.dumps([1]), json.dumps({"saved_at": "x",
                                                      "domains": {}})):
        path.write_text(text)
        assert snap.load() is None


def test_unwritable_location_disables_saving(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    snap = snapshot.DomainSnapshot(str(blocker / "s.json"), 60, Clock())
    snap.save({"a": True})
    snap.save({"a": True})
    assert snap.load() is None
