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

"""The committed sample configuration matches the registered options."""

import difflib
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[4]
ETC = ROOT / "etc" / "masakarimonitors"
SAMPLE = ETC / "masakarimonitors.conf.sample"
GENERATOR_CONF = ETC / "masakarimonitors-config-generator.conf"
REGENERATE = ("Regenerate it: .venv/bin/oslo-config-generator --config-file "
              "etc/masakarimonitors/masakarimonitors-config-generator.conf")


def test_sample_config_is_up_to_date(tmp_path):
    fresh = tmp_path / "masakarimonitors.conf.sample"
    # In a fresh interpreter: other tests in this process may have changed
    # library defaults (oslo.log's default_log_levels are process-global).
    subprocess.run([sys.executable, "-m", "oslo_config.generator",
                    "--config-file", str(GENERATOR_CONF),
                    "--output-file", str(fresh)],
                   check=True, cwd=ROOT, capture_output=True)
    committed = SAMPLE.read_text().splitlines(keepends=True)
    generated = fresh.read_text().splitlines(keepends=True)
    diff = "".join(difflib.unified_diff(committed, generated,
                                        "committed", "generated"))
    assert not diff, f"{SAMPLE.name} is out of date. {REGENERATE}\n{diff}"
